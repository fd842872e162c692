import { CreateUsers1795500000000 } from './1795500000000-create-users';

/** Every migration, oldest first. Listed explicitly so bundles and tests need no glob. */
export const migrations = [CreateUsers1795500000000];
