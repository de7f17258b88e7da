/**
 * The Fabric Eventhouse table the rows land in, when an Eventstream routes
 * them there: the KQL `.create table` command and the JSON ingestion mapping,
 * from the same columns and types as the Power BI dataset (powerbi_schema.ts).
 */
import type { MetricColumn } from "../connect/catalogue.ts";
import { datasetColumns, DEFAULT_DATASET_NAME, type PowerBiType } from "./powerbi_schema.ts";

/** The KQL scalar type of each column type. A KPI is `real`, as Power BI's Double: some are averages or percentages. */
export const KQL_TYPES: Readonly<Record<PowerBiType, string>> = {
  DateTime: "datetime",
  Text: "string",
  Number: "real",
};

export const DEFAULT_KQL_TABLE = DEFAULT_DATASET_NAME;
export const DEFAULT_KQL_MAPPING = `${DEFAULT_DATASET_NAME}Mapping`;

/** A column name as a KQL identifier, bracket-quoted so that any name (spaces, keywords such as `date`) is one. */
function kqlName(name: string): string {
  return `['${name.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}']`;
}

/** `.create table T (['Date']: datetime, ...)`. */
export function kqlCreateTable(columns: readonly MetricColumn[], table = DEFAULT_KQL_TABLE): string {
  const list = datasetColumns(columns).map((c) => `${kqlName(c.name)}: ${KQL_TYPES[c.type]}`);
  return `.create table ${table} (${list.join(", ")})`;
}

/** A JSON path to a top-level property: `$.Name`, or `$['Name']` where the name has other characters. */
function jsonPath(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `$.${name}` : `$['${name.replaceAll("'", "\\'")}']`;
}

export interface MappingEntry {
  readonly column: string;
  readonly datatype: string;
  readonly Properties: { readonly Path: string };
}

/** The mapping's entries: each column from the event's property of the same name. */
export function jsonMapping(columns: readonly MetricColumn[]): MappingEntry[] {
  return datasetColumns(columns).map((c) => ({
    column: c.name,
    datatype: KQL_TYPES[c.type],
    Properties: { Path: jsonPath(c.name) },
  }));
}

/**
 * `.create-or-alter table T ingestion json mapping "M" @'[...]'`: the mapping
 * in a verbatim string, where a quote is written twice and nothing else is escaped.
 */
export function kqlCreateMapping(
  columns: readonly MetricColumn[],
  table = DEFAULT_KQL_TABLE,
  mapping = DEFAULT_KQL_MAPPING,
): string {
  const json = JSON.stringify(jsonMapping(columns)).replaceAll("'", "''");
  return `.create-or-alter table ${table} ingestion json mapping "${mapping}" @'${json}'`;
}
