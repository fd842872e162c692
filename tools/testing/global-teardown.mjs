import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const embedded = globalThis.__ZER08_TEST_POSTGRES__;
  if (!embedded) return;
  await embedded.postgres.stop();
  await rm(embedded.dataRoot, { recursive: true, force: true });
}
