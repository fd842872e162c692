export interface TimelineRow {
  jobId: string;
  name: string;
  fires: number[];
}
