import type { z } from 'zod';
import { LoginSchema, PasswordChangeSchema } from '../access.ts';

/** Requests of the sign-in routes (server/routes/auth.ts). */

/** `POST /api/auth/login`. */
export const LoginBody = LoginSchema;
export type LoginBody = z.infer<typeof LoginBody>;
/** `PUT /api/auth/password`: the current password and a new one. */
export const PasswordBody = PasswordChangeSchema;
export type PasswordBody = z.infer<typeof PasswordBody>;

/** Answer of the sign-in and of `GET /api/auth/me`: the signed-in person. */
export type { Me as MeResponse } from '../access.ts';
