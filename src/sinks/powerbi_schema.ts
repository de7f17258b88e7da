/**
 * The Power BI dataset the rows go into: its columns and types, derived
 * from the row layout (Date, Client, QueueName, then the KPI columns).
 * Used by `schema`, by the push sink and by the Power BI emulator.
 */
import { type MetricColumn, ROW_KEY_COLUMNS } from "../connect/catalogue.ts";
import type { DatasetMode } from "../config/settings.ts";

/** A column type as the streaming-dataset UI names it. */
export type PowerBiType = "DateTime" | "Text" | "Number";

/** The same type as the REST API's PostDataset names it. */
export const REST_DATA_TYPES: Readonly<Record<PowerBiType, string>> = {
  DateTime: "Datetime",
  Text: "String",
  Number: "Double",
};

export interface DatasetColumn {
  readonly name: string;
  readonly type: PowerBiType;
}

export const DEFAULT_DATASET_NAME = "ConnectMetrics";
export const DEFAULT_TABLE_NAME = "RealTimeData";

const KEY_COLUMN_TYPES: Readonly<Record<typeof ROW_KEY_COLUMNS[number], PowerBiType>> = {
  Date: "DateTime",
  Client: "Text",
  QueueName: "Text",
};

/** The columns of the dataset, in row order. */
export function datasetColumns(columns: readonly MetricColumn[]): DatasetColumn[] {
  return [
    ...ROW_KEY_COLUMNS.map((name) => ({ name, type: KEY_COLUMN_TYPES[name] })),
    ...columns.map((c) => ({ name: c.column, type: "Number" as const })),
  ];
}

/** The body of `POST /v1.0/myorg/datasets?defaultRetentionPolicy=basicFIFO`. */
export function postDatasetBody(columns: readonly MetricColumn[], mode: DatasetMode, name = DEFAULT_DATASET_NAME) {
  return {
    name,
    defaultMode: mode,
    tables: [{
      name: DEFAULT_TABLE_NAME,
      columns: datasetColumns(columns).map((c) => ({ name: c.name, dataType: REST_DATA_TYPES[c.type] })),
    }],
  };
}
