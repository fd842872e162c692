export interface TimelineRow {
  name: string;
  fires: number[];
}
