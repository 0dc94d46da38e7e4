// The per-transaction quantities every baseline counts, by index (windows and totals are typed
// arrays in this order), and the columns of the hourly history. One Observation object is filled
// per transaction and handed to the four baselines it touches, so nothing is allocated per call.

export const M_REQUESTS = 0;
export const M_401 = 1;
export const M_403 = 2;
export const M_404 = 3;
export const M_429 = 4;
export const M_5XX = 5;
export const M_BYTES = 6;
export const M_RECORDS = 7;
/** Requests carrying object ids that could be judged (the identity had been shown ids before). */
export const M_ID_REQUESTS = 8;
/** Of those, requests asking for an id never shown to the identity in a response. */
export const M_UNSEEN_IDS = 9;
/** Request body fields the endpoint had never received, after its learning reads. */
export const M_NEW_FIELDS = 10;
export const METRICS = 11;

/** Error classes in metric order, as analysts name them. */
export const ERROR_CLASSES = [
  { metric: M_401, name: '401' },
  { metric: M_403, name: '403' },
  { metric: M_404, name: '404' },
  { metric: M_429, name: '429' },
  { metric: M_5XX, name: '5xx' },
] as const;

/** Columns of the hourly history (one row per completed active hour). */
export const H_REQUESTS = 0;
export const H_BYTES = 1;
export const H_RECORDS = 2;
/** The kind's first distinct count in that hour (identity: templates; IP: identities; endpoint: callers; pair: object ids). */
export const H_DISTINCT = 3;
/** The kind's second distinct count (identity: object ids; IP: templates). */
export const H_DISTINCT2 = 4;
export const HOUR_HISTORY_WIDTH = 5;

/** The metric of an error status, or -1. */
export function errorMetric(status: number | null): number {
  if (status === null) return -1;
  if (status >= 500) return status <= 599 ? M_5XX : -1;
  switch (status) {
    case 401:
      return M_401;
    case 403:
      return M_403;
    case 404:
      return M_404;
    case 429:
      return M_429;
    default:
      return -1;
  }
}

export interface Observation {
  ts: number;
  /** hourOfWeek(ts), once per transaction. */
  hourOfWeek: number;
  /** errorMetric(status). */
  error: number;
  bytes: number;
  records: number;
  idRequest: number;
  unseenId: number;
  newFields: number;
}

export function newObservation(): Observation {
  return { ts: 0, hourOfWeek: 0, error: -1, bytes: 0, records: 0, idRequest: 0, unseenId: 0, newFields: 0 };
}
