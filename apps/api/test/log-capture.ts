import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line in memory, for tests that read what was logged. */
export class LogCapture implements DestinationStream {
  readonly chunks: string[] = [];

  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  clear(): void {
    this.chunks.length = 0;
  }
}
