// crAPI's identity service: sign-up, login, password reset, e-mail change, the dashboard and vehicles.
import { resetCode } from '../world/credentials';
import type { Principal } from './auth';
import { EMAIL, field, text, type Route, type RouteDeps } from './routes';
import { fail, reply } from './types';

const P = '^/identity/api';

export function identityRoutes({ store, world }: RouteDeps): Route[] {
  const user = (p: Principal | null) => (p?.kind === 'user' ? p.account : null);
  return [
    {
      method: 'POST', pattern: new RegExp(`${P}/auth/signup$`), auth: false,
      handle: ({ body, ctx }) => {
        const [name, email, number, password] = ['name', 'email', 'number', 'password'].map((f) => text(body, f));
        if (!name || !email || !number || !password) return fail(400, 'Please provide name, email, number and password');
        if (!EMAIL.test(email)) return fail(400, 'Please provide a valid email address');
        if (password.length < 8) return fail(400, 'Password must be at least 8 characters long');
        if (store.accounts.has(email)) return fail(409, 'Email already registered!');
        store.addAccount(name, email, number, password, 'user', ctx.simUs);
        return fail(200, 'User registered successfully! Please Login.');
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/auth/login$`), auth: false,
      handle: ({ body, ctx }) => {
        const email = field(body, 'email');
        const password = field(body, 'password');
        if (typeof email !== 'string' || typeof password !== 'string') return fail(400, 'Invalid request: email and password are required');
        const account = store.accounts.get(email);
        if (!account || account.password !== password) return fail(401, 'Invalid Credentials');
        const token = world.tokens.issue(account.email, account.role, Math.floor(ctx.simUs / 1_000_000));
        return reply(200, { token, type: 'Bearer', message: 'Login successful' });
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/auth/forget-password$`), auth: false,
      handle: ({ body, ctx }) => {
        const email = text(body, 'email');
        const account = email ? store.accounts.get(email) : undefined;
        if (!email || !account) return fail(404, `Given Email is not registered! ${email ?? ''}`.trim());
        account.pendingOtp = resetCode(world.seed, email, Math.floor(ctx.simUs / 1_000_000));
        account.otpFailures = 0;
        return fail(200, `OTP Sent on the provided email, ${email}`);
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/auth/v3/check-otp$`), auth: false,
      handle: ({ body }) => {
        const [email, otp, password] = ['email', 'otp', 'password'].map((f) => text(body, f));
        const account = email ? store.accounts.get(email) : undefined;
        if (!account || !otp || !password) return fail(400, 'Invalid request');
        if (account.otpFailures >= 10) return fail(503, 'You have exceeded the number of attempts.');
        if (account.pendingOtp === null || otp !== account.pendingOtp) {
          account.otpFailures++;
          return fail(400, 'Invalid OTP! Please try again..');
        }
        account.password = password;
        account.pendingOtp = null;
        return fail(200, 'OTP verified');
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/v2/user/change-email$`), auth: true,
      handle: ({ body, principal }) => {
        const account = user(principal);
        if (!account) return fail(403, 'This endpoint is for user accounts');
        const oldEmail = text(body, 'old_email');
        const newEmail = text(body, 'new_email');
        if (!newEmail || !EMAIL.test(newEmail)) return fail(400, 'Please provide a valid email address');
        if (oldEmail !== account.email) return fail(403, 'The old email does not belong to this account');
        if (store.accounts.has(newEmail)) return fail(409, 'Email already registered!');
        return fail(200, 'The email change token has been sent to your email. Please verify it to update your email.');
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/v2/user/dashboard$`), auth: true,
      handle: ({ principal }) => {
        const account = user(principal);
        return account ? reply(200, store.dashboard(account)) : fail(403, 'This endpoint is for user accounts');
      },
    },
    {
      method: 'GET', pattern: new RegExp(`${P}/v2/vehicle/vehicles$`), auth: true,
      handle: ({ principal }) => {
        const account = user(principal);
        return account ? reply(200, store.vehiclesOf(account.email).map((v) => store.vehicleView(v))) : fail(403, 'This endpoint is for user accounts');
      },
    },
    {
      method: 'POST', pattern: new RegExp(`${P}/v2/vehicle/add_vehicle$`), auth: true,
      handle: ({ body, principal }) => {
        const account = user(principal);
        if (!account) return fail(403, 'This endpoint is for user accounts');
        const vin = text(body, 'vin');
        const pincode = text(body, 'pincode');
        const v = vin ? store.vehiclesByVin.get(vin) : undefined;
        if (!v || v.pincode !== pincode) return fail(403, 'Invalid vin or pincode');
        const owner = store.ownerOf.get(v.uuid);
        if (owner !== undefined && owner !== account.email) return fail(409, 'This vehicle is already registered to another account');
        store.setOwner(v, account.email);
        return fail(200, 'Vehicle Added Successfully!');
      },
    },
    {
      // BOLA as in crAPI: any signed-in caller may read any car's location
      method: 'GET', pattern: new RegExp(`${P}/v2/vehicle/([^/]+)/location$`), auth: true,
      handle: ({ params, principal }) => {
        if (principal?.kind === 'key' && !principal.scopes.includes('vehicles')) return fail(403, 'API key not allowed for this resource');
        const id = params[0] ?? '';
        if (!/^[0-9a-f-]{36}$/i.test(id)) return fail(400, 'Invalid vehicle id');
        const v = store.vehicles.get(id);
        return v ? reply(200, store.locationView(v)) : fail(404, 'Invalid vehicle id');
      },
    },
  ];
}
