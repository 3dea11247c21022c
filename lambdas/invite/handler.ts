/** Lambda entry for "Fill in from the invite": `POST /invite` (lambdas/invite/app.tsx). */
import { handle } from 'hono/aws-lambda';
import { loadInviteConfig } from '../config.js';
import { systemClock } from '../core/clock.js';
import { createInviteApp } from './app.js';

export const handler = handle(createInviteApp({ clock: systemClock, ...loadInviteConfig(process.env) }));
