import { UserEntity } from '../users/user.entity';
import { RefreshTokenEntity } from '../auth/refresh-token.entity';

/** Every TypeORM entity, for the tools that work outside Nest (migration generation). */
export const entities = [UserEntity, RefreshTokenEntity];
