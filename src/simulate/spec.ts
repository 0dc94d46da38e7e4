// The API the scenario serves: a subset of OWASP crAPI (a car owners' service: vehicles, a shop, a
// community board and workshop mechanics), embedded here because users of the product have no copy of
// the spec at run time. Provenance: OWASP/crAPI `openapi-spec/crapi-openapi-spec.json` (OpenAPI
// 3.0.1, commit 824a1ffc915bc22abac52a8e95172c8c9e7b9bd1, Apache-2.0): the paths, methods, request
// fields and response shapes below follow it. Our additions, as a deployed product would have them:
// API keys for service accounts (`X-API-Key`, or `api_key` in the query for a legacy partner),
// `limit`/`offset` paging on the list endpoints, a `GET /health` probe, 401/403/404/409/429/5xx
// answers where the spec lists only 200.
export const API_SPEC_FILE = 'crapi-openapi-spec.json';
export const API_TITLE = 'OWASP crAPI API';

export const PATHS = {
  signup: '/identity/api/auth/signup',
  login: '/identity/api/auth/login',
  forgetPassword: '/identity/api/auth/forget-password',
  checkOtp: '/identity/api/auth/v3/check-otp',
  changeEmail: '/identity/api/v2/user/change-email',
  dashboard: '/identity/api/v2/user/dashboard',
  vehicles: '/identity/api/v2/vehicle/vehicles',
  addVehicle: '/identity/api/v2/vehicle/add_vehicle',
  vehicleLocationPrefix: '/identity/api/v2/vehicle/',
  posts: '/community/api/v2/community/posts',
  recentPosts: '/community/api/v2/community/posts/recent',
  validateCoupon: '/community/api/v2/coupon/validate-coupon',
  products: '/workshop/api/shop/products',
  orders: '/workshop/api/shop/orders',
  allOrders: '/workshop/api/shop/orders/all',
  returnOrder: '/workshop/api/shop/orders/return_order',
  applyCoupon: '/workshop/api/shop/apply_coupon',
  mechanics: '/workshop/api/mechanic/',
  contactMechanic: '/workshop/api/merchant/contact_mechanic',
  mechanicReport: '/workshop/api/mechanic/mechanic_report',
  serviceRequests: '/workshop/api/mechanic/service_requests',
  allUsers: '/workshop/api/management/users/all',
  health: '/health',
} as const;

export const vehicleLocation = (uuid: string): string => `${PATHS.vehicleLocationPrefix}${uuid}/location`;
export const post = (id: string): string => `${PATHS.posts}/${id}`;
export const postComment = (id: string): string => `${PATHS.posts}/${id}/comment`;
export const order = (id: number | string): string => `${PATHS.orders}/${id}`;

/** Where contact_mechanic sends its report (crAPI's SSRF-prone `mechanic_api` field). */
export const MECHANIC_API = 'http://api.carworks.example/workshop/api/mechanic/receive_report';
