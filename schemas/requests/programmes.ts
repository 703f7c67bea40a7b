import { z } from 'zod';

/** A programme in the address (`/api/programmes/:programmeId/…`). */
export const ProgrammeParam = z.object({ programmeId: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Identifiant de programme attendu') });
export type ProgrammeParam = z.infer<typeof ProgrammeParam>;
