// crAPI's community service: posts, comments, the recent list and coupon validation.
import { paging, text, type Route, type RouteDeps } from './routes';
import { fail, reply } from './types';

const P = '^/community/api/v2';

export function communityRoutes({ store, world }: RouteDeps): Route[] {
  return [
    {
      method: 'GET', pattern: new RegExp(`${P}/community/posts/recent$`), auth: true,
      handle: ({ query }) => {
        const page = paging(query, 30, 100);
        if (!page) return fail(400, 'limit and offset must be whole numbers (limit at most 100)');
        const newest = [...store.postOrder].reverse();
        const posts = newest.slice(page.offset, page.offset + page.limit).flatMap((id) => {
          const p = store.posts.get(id);
          return p ? [store.postView(p)] : [];
        });
        return reply(200, { posts, next_offset: page.offset + page.limit < newest.length ? page.offset + page.limit : null, total: newest.length });
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/community/posts/([^/]+)$`), auth: true,
      handle: ({ params }) => {
        const p = store.posts.get(params[0] ?? '');
        return p ? reply(200, store.postView(p)) : fail(404, 'Post not found');
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/community/posts$`), auth: true,
      handle: ({ body, principal, ctx }) => {
        if (principal?.kind !== 'user') return fail(403, 'This endpoint is for user accounts');
        const title = text(body, 'title');
        const content = text(body, 'content');
        if (!title || !content) return fail(400, 'Title and content are required');
        const id = typeof ctx.creates === 'string' ? ctx.creates : `p${store.postOrder.length + 1}`;
        const post = { id, authorEmail: principal.account.email, title, content, createdUs: ctx.simUs, comments: [] };
        store.addPost(post);
        return reply(200, store.postView(post));
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/community/posts/([^/]+)/comment$`), auth: true,
      handle: ({ params, body, principal, ctx }) => {
        if (principal?.kind !== 'user') return fail(403, 'This endpoint is for user accounts');
        const p = store.posts.get(params[0] ?? '');
        if (!p) return fail(404, 'Post not found');
        const content = text(body, 'content');
        if (!content) return fail(400, 'Comment content is required');
        p.comments.push({ id: `c${ctx.simUs.toString(36)}`, authorEmail: principal.account.email, content, createdUs: ctx.simUs });
        return reply(200, store.postView(p));
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/coupon/validate-coupon$`), auth: true,
      handle: ({ body }) => {
        const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['coupon_code'] : undefined;
        // crAPI hands the value to its database as it comes: an object is a query operator there, an error here
        if (raw !== undefined && typeof raw !== 'string') return fail(500, 'Internal Server Error');
        const code = text(body, 'coupon_code');
        const coupon = world.coupons.find((c) => c.code === code);
        return coupon ? reply(200, { coupon_code: coupon.code, amount: String(coupon.amount), CreatedAt: '2025-11-02T10:00:00' }) : fail(400, 'Invalid Coupon code');
      },
    },
  ];
}
