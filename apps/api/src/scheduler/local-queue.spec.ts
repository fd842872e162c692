import { LocalQueue } from './local-queue';
import { ClaimedExecution } from './scheduler.types';

const execution = (id: string) => ({ id }) as ClaimedExecution;
const drain = (queue: LocalQueue) => {
  const taken: string[] = [];
  for (let next = queue.shift(); next; next = queue.shift()) taken.push(next.id);
  return taken;
};

describe('LocalQueue', () => {
  it('hands executions out oldest first and skips those deleted meanwhile', () => {
    const queue = new LocalQueue();
    for (const id of ['a', 'b', 'c', 'd']) queue.add(execution(id));
    expect(queue.delete('b')).toBe(true);
    expect(queue.delete('b')).toBe(false);
    expect(queue.size).toBe(3);
    expect(queue.shift()?.id).toBe('a');
    expect(queue.ids()).toEqual(['c', 'd']);
    expect(drain(queue)).toEqual(['c', 'd']);
    expect(queue.size).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it('gives back the newest when asked to shed some', () => {
    const queue = new LocalQueue();
    for (const id of ['a', 'b', 'c', 'd', 'e']) queue.add(execution(id));
    expect(queue.takeNewest(2)).toEqual(['d', 'e']);
    expect(drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('stays in order across its compaction with a deep queue', () => {
    const queue = new LocalQueue();
    const ids = Array.from({ length: 5_000 }, (_, i) => `e${i}`);
    for (const id of ids) queue.add(execution(id));
    const firstHalf = Array.from({ length: 2_500 }, () => queue.shift()?.id);
    for (const id of ids.slice(5_000 - 10)) queue.delete(id);
    queue.add(execution('late'));
    expect(firstHalf).toEqual(ids.slice(0, 2_500));
    expect(drain(queue)).toEqual([...ids.slice(2_500, 4_990), 'late']);
  });
});
