/**
 * `connect-metrics schema`: the Power BI dataset the MI team must create for
 * the current settings, as a column list and as the PostDataset request body;
 * with `--fabric`, the Fabric Eventhouse table and its JSON ingestion mapping.
 */
import { notBoth, parseFlags, trimmed } from "./parse.ts";
import { formatTable } from "../util/table.ts";
import { loadSettings } from "../config/load.ts";
import { kpiColumns } from "../connect/columns.ts";
import { configDirInputs } from "../config/paths.ts";
import { DATASET_MODES, type DatasetMode, datasetModeOf } from "../config/settings.ts";
import { datasetColumns, postDatasetBody } from "../sinks/powerbi_schema.ts";
import { DEFAULT_KQL_MAPPING, kqlCreateMapping, kqlCreateTable } from "../sinks/fabric_schema.ts";
import { UsageError } from "../util/errors.ts";

/** Its lines in `--help` (under "Commands:"). */
export const SCHEMA_HELP =
  `  schema                the Power BI dataset columns and PostDataset body for the current settings
    --mode MODE         Push, Streaming or PushStreaming (default: settings, else Streaming)
    --fabric            instead: the KQL table and JSON ingestion mapping for a Fabric Eventhouse`;

export const SCHEMA_OPTIONS = {
  "config-dir": { type: "string" },
  mode: { type: "string" },
  fabric: { type: "boolean" },
} as const;

export interface SchemaArgs {
  readonly configDir?: string;
  readonly mode?: DatasetMode;
  readonly fabric: boolean;
}

/** `connect-metrics schema [--config-dir DIR] [--mode MODE]` */
export function parseSchemaArgs(argv: string[]): SchemaArgs {
  const values = parseFlags(argv, SCHEMA_OPTIONS);
  const mode = values.mode === undefined ? undefined : datasetModeOf(values.mode);
  if (values.mode !== undefined && !mode) {
    throw new UsageError(`--mode expects one of ${DATASET_MODES.join(", ")}, got "${values.mode}"`);
  }
  notBoth(values.mode, values.fabric, "--mode (a Power BI dataset) or --fabric (an Eventhouse table)");
  return { configDir: trimmed(values["config-dir"]), mode, fabric: values.fabric ?? false };
}

export async function schemaCommand(argv: string[]): Promise<number> {
  const args = parseSchemaArgs(argv);
  const { settings, file, warnings } = await loadSettings(configDirInputs(args.configDir));
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const columns = kpiColumns(settings.columns, file);
  const source = file ?? "the default settings (no settings.json found)";
  if (args.fabric) {
    console.log(`Fabric Eventhouse table for ${source}; run both commands in the KQL database:\n`);
    console.log(kqlCreateTable(columns));
    console.log();
    console.log(kqlCreateMapping(columns));
    console.log(
      `\nThen route the Eventstream to this table: JSON, mapping "${DEFAULT_KQL_MAPPING}" (docs/delivery.md).`,
    );
    return 0;
  }
  const mode = args.mode ?? settings.push.datasetMode;
  console.log(`Power BI dataset for ${source}, mode ${mode}:\n`);
  console.log(formatTable(
    datasetColumns(columns).map((c) => ({ Column: c.name, Type: c.type })),
    ["Column", "Type"],
  ));
  console.log(
    "\nPostDataset body (POST https://api.powerbi.com/v1.0/myorg/datasets?defaultRetentionPolicy=basicFIFO):",
  );
  console.log(JSON.stringify(postDatasetBody(columns, mode), null, 2));
  return 0;
}
