// crAPI's workshop service: the shop (products, orders, returns, coupons), mechanics and their
// service reports, and the management list of users.
import { MECHANIC_API } from '../spec';
import { hasScope, isStaff, type Principal } from './auth';
import { field, paging, text, type Route, type RouteDeps } from './routes';
import { fail, reply } from './types';

const P = '^/workshop/api';

function orderId(raw: string | null | undefined): number | null {
  return raw !== null && raw !== undefined && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

export function workshopRoutes({ store, world }: RouteDeps): Route[] {
  const user = (p: Principal | null) => (p?.kind === 'user' ? p.account : null);
  const readsAllOrders = (p: Principal | null): boolean => p !== null && (isStaff(p) || hasScope(p, 'orders'));
  return [
    {
      method: 'GET', pattern: new RegExp(`${P}/shop/products$`), auth: true,
      handle: ({ principal }) => reply(200, { products: world.products.map((p) => ({ id: p.id, name: p.name, price: p.price.toFixed(2), image_url: `images/${p.id}.svg` })), credit: user(principal)?.credit ?? 0 }),
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/shop/orders$`), auth: true,
      handle: ({ body, principal, ctx }) => {
        const account = user(principal);
        if (!account) return fail(403, 'This endpoint is for user accounts');
        const productId = field(body, 'product_id');
        const quantity = field(body, 'quantity');
        const product = world.products.find((p) => p.id === productId);
        if (!product || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) return fail(400, 'Invalid product or quantity');
        const cost = product.price * quantity;
        if (cost > account.credit) return fail(400, 'Insufficient Balance. Please apply coupon code to get more balance!');
        const id = typeof ctx.creates === 'number' ? ctx.creates : Math.max(0, ...store.orders.keys()) + 1;
        account.credit = Math.round((account.credit - cost) * 100) / 100;
        store.orders.set(id, { id, ownerEmail: account.email, productId: product.id, quantity, status: 'delivered', createdUs: ctx.simUs });
        return reply(200, { id, message: 'Order sent successfully.', credit: account.credit });
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/shop/orders/all$`), auth: true,
      handle: ({ query, principal }) => {
        const page = paging(query, 30, 200);
        if (!page) return fail(400, 'limit and offset must be whole numbers (limit at most 200)');
        const status = query.get('status');
        if (status !== null && !['delivered', 'return pending', 'returned'].includes(status)) return fail(400, 'Unknown order status');
        const account = user(principal);
        if (!account && !readsAllOrders(principal)) return fail(403, 'API key not allowed for this resource');
        const all = [...store.orders.values()].filter((o) => (readsAllOrders(principal) || o.ownerEmail === account?.email) && (status === null || o.status === status));
        return reply(200, { orders: all.slice(page.offset, page.offset + page.limit).map((o) => store.orderView(o)), count: all.length });
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/shop/orders/return_order$`), auth: true,
      handle: ({ query, principal }) => {
        const account = user(principal);
        const id = orderId(query.get('order_id'));
        if (id === null) return fail(400, 'Invalid order id');
        const order = store.orders.get(id);
        if (!order) return fail(404, 'Order not found');
        if (!account || order.ownerEmail !== account.email) return fail(403, 'You are not authorized to return this order');
        if (order.status !== 'delivered') return fail(400, 'This order has already been returned!');
        order.status = 'return pending';
        return reply(200, { message: 'Please use the following QR code to return your order to a UPS store.', qr_code_url: `http://api.carworks.example/workshop/api/shop/return_qr_code?order_id=${id}`, order: store.orderView(order) });
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/shop/orders/([^/]+)$`), auth: true,
      handle: ({ params, principal }) => {
        const id = orderId(params[0]);
        if (id === null) return fail(400, 'Invalid order id');
        const order = store.orders.get(id);
        if (!order) return fail(404, 'Order not found');
        if (!readsAllOrders(principal) && user(principal)?.email !== order.ownerEmail) return fail(403, 'You are not authorized to view this order');
        return reply(200, { order: store.orderView(order) });
      },
    },
    {
      // mass assignment as in crAPI: the status in the body is taken as sent
      method: 'PUT', pattern: new RegExp(`${P}/shop/orders/([^/]+)$`), auth: true,
      handle: ({ params, body, principal }) => {
        const id = orderId(params[0]);
        const order = id === null ? undefined : store.orders.get(id);
        if (!order) return fail(404, 'Order not found');
        if (user(principal)?.email !== order.ownerEmail) return fail(403, 'You are not authorized to modify this order');
        const status = text(body, 'status');
        if (status === 'delivered' || status === 'returned' || status === 'return pending') order.status = status;
        else if (status !== null) return fail(400, 'Unknown order status');
        return reply(200, { orders: store.orderView(order), message: 'Order updated' });
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/shop/apply_coupon$`), auth: true,
      handle: ({ body, principal }) => {
        const account = user(principal);
        if (!account) return fail(403, 'This endpoint is for user accounts');
        const code = text(body, 'coupon_code');
        const coupon = world.coupons.find((c) => c.code === code);
        if (!coupon || field(body, 'amount') !== coupon.amount) return fail(400, 'Coupon code or amount is not valid');
        if (account.claimedCoupons.has(coupon.code)) return fail(400, 'This coupon code is already claimed by you!! Please try with another coupon code');
        account.claimedCoupons.add(coupon.code);
        account.credit += coupon.amount;
        return reply(200, { credit: account.credit, message: 'Coupon successfully applied!' });
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/mechanic/$`), auth: true,
      handle: () => reply(200, { mechanics: world.mechanics.map((m) => ({ id: m.id, mechanic_code: m.code, user: { email: m.email, number: '' } })) }),
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/merchant/contact_mechanic$`), auth: true,
      handle: ({ body, principal, ctx }) => {
        const account = user(principal);
        if (!account) return fail(403, 'This endpoint is for user accounts');
        const api = text(body, 'mechanic_api');
        const mechanic = world.mechanics.find((m) => m.code === text(body, 'mechanic_code'));
        const car = store.vehiclesByVin.get(text(body, 'vin') ?? '');
        if (!api) return fail(400, 'mechanic_api is required');
        // the API calls mechanic_api itself (crAPI's SSRF): only its own receiver answers
        if (api !== MECHANIC_API) return /^(https?|gopher|file):\/\/(127\.|10\.|169\.254|localhost|\[::1\]|metadata)/.test(api) ? fail(504, 'Gateway Timeout while calling mechanic_api') : fail(400, 'Could not reach mechanic_api');
        if (!mechanic || !car) return fail(400, 'Invalid mechanic_code or vin');
        const id = typeof ctx.creates === 'number' ? ctx.creates : Math.max(0, ...store.reports.keys()) + 1;
        store.reports.set(id, { id, vehicleUuid: car.uuid, mechanicCode: mechanic.code, problem: text(body, 'problem_details') ?? '', createdUs: ctx.simUs, status: 'pending' });
        return reply(200, { response_from_mechanic_api: { id, sent: true, report_link: `http://api.carworks.example/workshop/api/mechanic/mechanic_report?report_id=${id}` }, status: 200 });
      },
    },
    {
      // BOLA as in crAPI: any signed-in caller reads any report
      method: 'GET', pattern: new RegExp(`${P}/mechanic/mechanic_report$`), auth: true,
      handle: ({ query }) => {
        const id = orderId(query.get('report_id'));
        if (id === null) return fail(400, 'Invalid report_id');
        const report = store.reports.get(id);
        return report ? reply(200, store.reportView(report)) : fail(404, 'Report not found');
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/mechanic/service_requests$`), auth: true,
      handle: ({ principal, query }) => {
        if (!principal || !isStaff(principal)) return fail(403, 'This endpoint is for mechanics and administrators');
        const page = paging(query, 30, 100) ?? { limit: 30, offset: 0 };
        return reply(200, { service_requests: [...store.reports.values()].slice(page.offset, page.offset + page.limit).map((r) => store.reportView(r)) });
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/management/users/all$`), auth: true,
      handle: ({ principal, query }) => {
        if (!principal || !(isStaff(principal) || hasScope(principal, 'management'))) return fail(403, 'This endpoint is for administrators');
        const page = paging(query, 30, 100);
        if (!page) return fail(400, 'limit and offset must be whole numbers (limit at most 100)');
        const all = [...store.accounts.values()];
        return reply(200, { users: all.slice(page.offset, page.offset + page.limit).map((a) => store.accountView(a)), total: all.length });
      },
    },
  ];
}
