// Records the inventory stage emits (DESIGN §2): events for the alerting stage, printed by
// `replay --format jsonl` as `"type":"inventory"`.
export type InventoryEventKind = 'new-endpoint' | 'new-sensitive-data';

export interface InventoryEvent {
  readonly type: 'inventory';
  readonly event: InventoryEventKind;
  readonly ts: number;
  readonly host: string;
  readonly method: string;
  readonly template: string;
  /** For new-sensitive-data: where it was seen and of which kind (the value is never kept). */
  readonly location?: string;
  readonly field?: string;
  readonly kind?: string;
}
