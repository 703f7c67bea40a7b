import { ConsolidationQuerySchema, RegionExportJobParamSchema, RegionExportQuerySchema, StartRegionExportBodySchema } from '../consolidation.ts';

/** Requests of the consolidation routes (server/routes/consolidation.ts), under `/api/region`. */

/** `GET /api/region/consolidation?programme=…&lignes=code,annee`. */
export const ConsolidationQuery = ConsolidationQuerySchema;
/** `GET /api/region/export.xlsx?programme=…` and `export.csv`. */
export const RegionExportQuery = RegionExportQuerySchema;
/** `POST /api/region/exports { programme, format }`. */
export const StartRegionExportBody = StartRegionExportBodySchema;
/** `/api/region/exports/:jobId`. */
export const RegionExportJobParam = RegionExportJobParamSchema;

export type { ConsolidationResponse, RegionExportJob as RegionExportJobResponse } from '../consolidation.ts';
