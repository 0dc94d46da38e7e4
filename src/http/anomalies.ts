// Anomaly names (recorded on transactions) and counter names of the HTTP analyzer. A bound's counter
// and its anomaly share the name.

// Bounds
export const LINE_TOO_LONG = 'http.line.too_long';
export const HEADERS_TOO_LARGE = 'http.headers.too_large';
export const HEADERS_TOO_MANY = 'http.headers.too_many';
export const PENDING_LIMIT = 'http.pending.limit';
export const DECOMPRESS_LIMIT = 'http.body.decompress_limit';
export const DECOMPRESS_ERROR = 'http.body.decompress_error';

// Lenient or unusual forms (recorded, not dropped)
export const REQUEST_HTTP09 = 'http.request.http09';
export const RESPONSE_HTTP09 = 'http.response.http09';
export const REQUEST_LENIENT_LINE = 'http.request.lenient_line';
export const RESPONSE_LENIENT_LINE = 'http.response.lenient_status_line';
export const LENIENT_LINE_ENDING = 'http.lenient_line_ending';
export const REQUEST_UNKNOWN_METHOD = 'http.request.unknown_method';
/** A request line with a version but no target (`GET HTTP/1.1`): the uri is empty. */
export const REQUEST_MISSING_TARGET = 'http.request.missing_target';
/** A version that is not `HTTP/d.d` (e.g. the truncated `HTTP/1.`). */
export const REQUEST_BAD_VERSION = 'http.request.bad_version';
export const RESPONSE_BAD_VERSION = 'http.response.bad_version';
/** A request line without a line ending when the direction ended. */
export const REQUEST_UNTERMINATED = 'http.request.unterminated_line';
/** The reply to an HTTP/0.9 (version-less) request began with a status line; it is read as raw data. */
export const RESPONSE_STATUS_LINE_AFTER_09 = 'http.response.status_line_after_http09';
export const CL_AND_TE = 'http.framing.cl_and_te';
/** Content-Length headers with different values: the last one frames the body. */
export const CL_CONFLICT = 'http.framing.conflicting_content_length';
/** Transfer-Encoding lists chunked, but not as the final coding: the body is de-chunked anyway. */
export const CHUNKED_NOT_LAST = 'http.framing.chunked_not_last';
export const MESSAGE_TRUNCATED = 'http.message.truncated';
/** Prefix of parse errors: http.parse_error.<kind> (counter and anomaly). */
export const PARSE_ERROR_PREFIX = 'http.parse_error.';

// Counters only
export const C_LINE_TOO_LONG = LINE_TOO_LONG;
export const C_HEADERS_TOO_LARGE = HEADERS_TOO_LARGE;
export const C_HEADERS_TOO_MANY = HEADERS_TOO_MANY;
export const C_PENDING_LIMIT = PENDING_LIMIT;
export const C_DECOMPRESS_LIMIT = DECOMPRESS_LIMIT;
export const C_DECOMPRESS_ERROR = DECOMPRESS_ERROR;
export const C_CAPTURE_TRUNCATED = 'http.body.capture_truncated';
export const C_GAP_RESYNC = 'http.gap.resync';
export const C_GAP_IN_BODY = 'http.gap.in_body';
export const C_TRUNCATED = 'http.message.truncated';
export const C_HTTP09_REQUEST = 'http.request.http09';
export const C_HTTP09_RESPONSE = 'http.response.http09';
export const C_NOT_HTTP = 'http.not_http';
export const C_FLOWS = 'http.flows';
export const C_TRANSACTIONS = 'http.transactions';
export const C_UPGRADES = 'http.upgrades';
export const C_INTERNAL_ERROR = 'http.internal_error';
export const C_MIDSTREAM = 'http.midstream_pickup';
export const C_ROLE_SWAPPED = 'http.role_swapped';
export const C_RESPONSE_ONLY = 'http.response_only';
export const C_REQUEST_ONLY = 'http.request_only';
export const C_INTERIM = 'http.interim_responses';
