/** Lambda entry for the API's description: `GET /openapi.json` and `GET /docs`. */
import { handle } from 'hono/aws-lambda';
import { createDocsApp } from './app.js';

export const handler = handle(createDocsApp());
