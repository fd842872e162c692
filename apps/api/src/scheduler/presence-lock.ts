/**
 * SQL condition: the `pg_locks` row `lock` is the presence lock of replica `replicaId`, held in
 * this database (docs/scheduler.md, "A lost replica"). The lock is the two-key advisory lock
 * `(classKey, hashtext(replica_id))`; pg_locks shows its keys as unsigned oids.
 */
export const isPresenceLock = (lock: string, classKey: string, replicaId: string): string =>
  `${lock}.locktype = 'advisory' AND ${lock}.objsubid = 2 AND ${lock}.granted ` +
  `AND ${lock}.database = (SELECT oid FROM pg_database WHERE datname = current_database()) ` +
  `AND ${lock}.classid::int8 = ${classKey} AND ${lock}.objid::int8 = (hashtext(${replicaId})::int8 & 4294967295)`;
