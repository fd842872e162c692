import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings arrive as text; only plain digit strings become numbers, anything else fails @IsInt. */
export const toIntegerParam = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Offset pagination shared by every list route: `page` is 1-based, `pageSize` 1..100. */
export class PageQueryDto {
  @IsOptional()
  @Transform(toIntegerParam)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @IsOptional()
  @Transform(toIntegerParam)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

/** Every list answers this shape. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ResolvedPage {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

export function resolvePage(query: PageQueryDto): ResolvedPage {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}
