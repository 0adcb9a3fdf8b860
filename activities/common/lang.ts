import { z } from 'zod';

/** The languages Forge writes in. */
export const Lang = z.enum(['en', 'zh']);
export type Lang = z.infer<typeof Lang>;
