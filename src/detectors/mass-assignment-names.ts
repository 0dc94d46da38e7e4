// Privileged-looking request field names: the ones a mass-assignment attack sets to raise its rights,
// change money or take over an object (OWASP API3:2023, "Broken Object Property Level Authorization").
// A generic list, matched on the normalised last segment of a field (`user.isAdmin` → `isadmin`,
// `owner_id` → `ownerid`: lower case, without `_`, `-`, `$`), so camelCase and snake_case agree:
// - stems anywhere in the name: admin, superuser, staff, role, permission, privilege, verified,
//   balance, credit, price, discount, owner (isAdmin, is_staff, user_roles, available_credit ...);
// - whole names: status, scope(s), group(s), acl, tier, plan, quota, createdby, author;
// - references to a principal: user/account/author/customer/tenant/org/member/creator + id(s)
//   (user_id, accountId, authorid, tenant_ids).
// The list only raises how much a field never seen matters; a field the endpoint learned is never
// judged by its name.

const STEMS = ['admin', 'superuser', 'staff', 'role', 'permission', 'privilege', 'verified', 'balance', 'credit', 'price', 'discount', 'owner'];
const WHOLE = new Set(['status', 'scope', 'scopes', 'group', 'groups', 'acl', 'tier', 'plan', 'quota', 'createdby', 'author']);
const PRINCIPAL = /^(?:user|account|author|customer|tenant|org|organization|organisation|member|creator|createdby)ids?$/;

/** The last segment of a field path, lower-cased, without separators and `[]`. */
export function normalisedName(field: string): string {
  const dot = field.lastIndexOf('.');
  return (dot < 0 ? field : field.slice(dot + 1)).replace(/\[\]/g, '').replace(/[_\-$]/g, '').toLowerCase();
}

/** Whether a field's name looks like it grants rights, moves money or names an owner. */
export function isPrivilegedName(field: string): boolean {
  const n = normalisedName(field);
  if (n === '' || n === '*') return false;
  if (WHOLE.has(n) || PRINCIPAL.test(n)) return true;
  for (const stem of STEMS) if (n.includes(stem)) return true;
  return false;
}
