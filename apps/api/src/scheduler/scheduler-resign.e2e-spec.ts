import { FiringRepository } from './firing.repository';
import { SchedulerService } from './scheduler.service';
import { insertJobs, ReplicaBed, sleep, startReplicaBed, waitFor } from './scheduler.test-fixtures';

/** A leader told to stop (POST /scheduler/stop, SIGTERM) while a fire transaction is open on its lock session. */
describe('scheduler: a leader that stops while it fires', () => {
  let bed: ReplicaBed;

  beforeAll(async () => {
    bed = await startReplicaBed();
  });

  afterAll(() => bed.close());

  it('lets the fire transaction in progress commit before it gives the lock up', async () => {
    const replica = await bed.start('resigning-leader');
    const scheduler = replica.app.get(SchedulerService);
    await waitFor(async () => scheduler.leadership !== null, 10_000);

    // The next fire transaction waits, after its BEGIN, until the stop has begun (the SQL itself is untouched).
    const firing = replica.app.get(FiringRepository);
    const selectDueJobs = firing.selectDueJobs.bind(firing);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let fireBegun!: () => void;
    const inFire = new Promise<void>((resolve) => (fireBegun = resolve));
    jest.spyOn(firing, 'selectDueJobs').mockImplementationOnce(async (...args) => {
      fireBegun();
      await gate;
      return selectDueJobs(...args);
    });
    const dueAt = new Date(Date.now() - 1_000).toISOString();
    const [jobId] = await insertJobs(bed.db, [
      {
        ownerId: bed.ownerId,
        schedule: { kind: 'once', at: dueAt },
        target: { kind: 'http', url: bed.sink.url },
        nextRunAt: dueAt,
      },
    ]);
    await inFire;

    const stopping = scheduler.stop();
    // Long enough for a stop that ends the lock session at once to have ended it.
    await sleep(300);
    openGate();
    await stopping;

    expect(scheduler.leadership).toBeNull();
    const { rows } = await bed.db.query<{ executions: number; status: string }>(
      `SELECT (SELECT count(*)::int FROM executions WHERE job_id = j.id) AS executions, j.status FROM jobs j WHERE j.id = $1`,
      [jobId],
    );
    // Fired and committed by the stopping leader: the occurrence exists once and the `once` job is done.
    expect(rows[0]).toEqual({ executions: 1, status: 'completed' });
  });
});
