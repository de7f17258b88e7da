/**
 * `connect-metrics schema`: the Power BI dataset the MI team must create for
 * the current settings, as a column list and as the PostDataset request body.
 */
import { parseFlags, trimmed } from "./parse.ts";
import { formatTable } from "../util/table.ts";
import { loadSettings } from "../config/load.ts";
import { kpiColumns } from "../connect/columns.ts";
import { configDirInputs } from "../config/paths.ts";
import { DATASET_MODES, type DatasetMode, datasetModeOf } from "../config/settings.ts";
import { datasetColumns, postDatasetBody } from "../sinks/powerbi_schema.ts";
import { UsageError } from "../util/errors.ts";

/** Its lines in `--help` (under "Commands:"). */
export const SCHEMA_HELP =
  `  schema                the Power BI dataset columns and PostDataset body for the current settings
    --mode MODE         Push, Streaming or PushStreaming (default: settings, else Streaming)`;

export const SCHEMA_OPTIONS = { "config-dir": { type: "string" }, mode: { type: "string" } } as const;

export interface SchemaArgs {
  readonly configDir?: string;
  readonly mode?: DatasetMode;
}

/** `connect-metrics schema [--config-dir DIR] [--mode MODE]` */
export function parseSchemaArgs(argv: string[]): SchemaArgs {
  const values = parseFlags(argv, SCHEMA_OPTIONS);
  const mode = values.mode === undefined ? undefined : datasetModeOf(values.mode);
  if (values.mode !== undefined && !mode) {
    throw new UsageError(`--mode expects one of ${DATASET_MODES.join(", ")}, got "${values.mode}"`);
  }
  return { configDir: trimmed(values["config-dir"]), mode };
}

export async function schemaCommand(argv: string[]): Promise<number> {
  const args = parseSchemaArgs(argv);
  const { settings, file, warnings } = await loadSettings(configDirInputs(args.configDir));
  for (const warning of warnings) console.error(`warning: ${warning}`);
  const columns = kpiColumns(settings.columns, file);
  const mode = args.mode ?? settings.push.datasetMode;
  console.log(`Power BI dataset for ${file ?? "the default settings (no settings.json found)"}, mode ${mode}:\n`);
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
