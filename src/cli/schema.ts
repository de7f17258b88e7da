/**
 * `connect-metrics schema`: the Power BI dataset the MI team must create for
 * the current settings, as a column list and as the PostDataset request body.
 */
import { parseSchemaArgs } from "./args.ts";
import { formatTable } from "./table.ts";
import { loadSettings } from "../config/load.ts";
import { kpiColumns } from "../connect/columns.ts";
import { configDirInputs } from "../config/paths.ts";
import { datasetColumns, postDatasetBody } from "../sinks/powerbi_schema.ts";

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
