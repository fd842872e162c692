import { Allow, Equals, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const TARGET_KINDS = ['http', 'handler'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Used only when `kind` is missing or unknown, so the error names `kind`. */
export class UnknownTargetDto {
  @IsIn(TARGET_KINDS)
  kind!: string;
}

export class HttpTargetDto {
  @Equals('http')
  kind!: 'http';

  @IsOptional()
  @IsIn(HTTP_METHODS)
  method?: HttpMethod;

  /** http(s) only; private, loopback and link-local hosts are refused unless CALLBACK_ALLOW_PRIVATE_NETWORKS. */
  @IsString()
  @MaxLength(2048)
  url!: string;

  /** Header name -> value (strings only). */
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  /** Any JSON; sent as the request body (not with GET). */
  @Allow()
  body?: unknown;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(300_000)
  timeoutMs?: number;
}

export class HandlerTargetDto {
  @Equals('handler')
  kind!: 'handler';

  /** A handler registered in the API by this name. */
  @Matches(/^[A-Za-z][\w.:-]{0,99}$/, { message: 'name must start with a letter and use letters, digits, _ . : - (at most 100)' })
  name!: string;

  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

export type TargetDto = HttpTargetDto | HandlerTargetDto;

export const TARGET_TYPE_OPTIONS = {
  discriminator: {
    property: 'kind',
    subTypes: [
      { name: 'http', value: HttpTargetDto },
      { name: 'handler', value: HandlerTargetDto },
    ],
  },
  keepDiscriminatorProperty: true,
};

export class RetryPolicyDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts?: number;

  @IsOptional()
  @IsIn(['fixed', 'exponential'])
  backoff?: 'fixed' | 'exponential';

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  initialDelayMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  maxDelayMs?: number;
}
