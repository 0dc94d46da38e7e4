// Every migration of the one state database, in version order: the inventory (1, 4), the alert
// store (2), the alert outbox (3), the identities (11, 13), the behaviour baselines (12), the
// rate-limit detector's learned limits (14) and the audit trail (15). Whoever opens the file opens it with all of them, so no
// component can find the file "newer than it knows". Composed here, above the stages, because the
// list names every stage that keeps state; store/ itself only runs migrations.
import { ALERT_MIGRATIONS } from '../alerting/migrations';
import { AUDIT_MIGRATIONS } from '../audit/migrations';
import { RATE_LIMIT_MIGRATIONS } from '../detectors/rate-limits-migrations';
import { FEATURES_MIGRATIONS } from '../features/migrations';
import { IDENTITY_MIGRATIONS } from '../identity/migrations';
import { INVENTORY_MIGRATIONS } from '../inventory/migrations';
import { OUTBOX_MIGRATIONS } from '../outputs/outbox/migrations';
import { RESPONSE_MIGRATIONS } from '../response/migrations';
import type { Migration } from '../store/database';

export const ALL_MIGRATIONS: readonly Migration[] = [...INVENTORY_MIGRATIONS, ...ALERT_MIGRATIONS, ...OUTBOX_MIGRATIONS, ...IDENTITY_MIGRATIONS, ...FEATURES_MIGRATIONS, ...RATE_LIMIT_MIGRATIONS, ...AUDIT_MIGRATIONS, ...RESPONSE_MIGRATIONS].sort((a, b) => a.version - b.version);
