import type { DataSource } from 'typeorm';
import { SEALED_PREFIX, SecretBox } from './secret-box';

export interface ResealReport {
  /** Rows whose secret was plaintext or sealed under a previous key, now sealed under the current key. */
  resealed: number;
  /** Rows that cannot be opened (sealed under a key no longer configured): left as they are. */
  unreadable: number;
}

/**
 * One pass over jobs.signing_secret: legacy plaintext and values sealed under a previous
 * key are sealed under the current key. Runs at every start (a no-op once done); keyset
 * pages, and each row is written only if it still holds the value read, so replicas
 * starting together or a concurrent rotate-secret never lose a write.
 */
export async function resealSigningSecrets(
  dataSource: DataSource,
  box: SecretBox,
  batchSize = 500,
): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unreadable: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: Array<{ id: string; signing_secret: string }> = await dataSource.query(
      `SELECT id, signing_secret FROM jobs
        WHERE id > $1 AND signing_secret NOT LIKE $2
        ORDER BY id LIMIT $3`,
      [after, `${SEALED_PREFIX}${box.keyId}:%`, batchSize],
    );
    if (rows.length === 0) return report;
    after = rows[rows.length - 1].id;
    const ids: string[] = [];
    const old: string[] = [];
    const sealed: string[] = [];
    for (const row of rows) {
      try {
        sealed.push(box.seal(box.open(row.signing_secret)));
        ids.push(row.id);
        old.push(row.signing_secret);
      } catch {
        report.unreadable++;
      }
    }
    if (ids.length > 0) {
      const updated: unknown[] = await dataSource.query(
        `UPDATE jobs SET signing_secret = v.sealed
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, old, sealed)
          WHERE jobs.id = v.id AND jobs.signing_secret = v.old
          RETURNING jobs.id`,
        [ids, old, sealed],
      );
      report.resealed += Array.isArray(updated[0]) ? (updated[0] as unknown[]).length : updated.length;
    }
    if (rows.length < batchSize) return report;
  }
}
