import { UserEntity } from '../users/user.entity';

/** Every TypeORM entity, for the tools that work outside Nest (migration generation). */
export const entities = [UserEntity];
