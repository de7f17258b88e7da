/** The AWS Region the environment names, read as the SDKs the tool replaces and uses read it. */

/** The variables that name a Region, first found wins. */
const REGION_VARIABLES = ["AWS_REGION", "AWS_DEFAULT_REGION"] as const;

/**
 * AWS_REGION (the JS SDK's), else AWS_DEFAULT_REGION: boto3 and AWS CLI v1
 * read only that one, so a machine set up for the 2019 script may have
 * nothing else, and the JS SDK ignores it. In both SDKs the variable
 * outranks the AWS profile's region setting; so it does here.
 */
export function environmentRegion(): { region: string; variable: string } | undefined {
  for (const variable of REGION_VARIABLES) {
    const region = Deno.env.get(variable);
    if (region) return { region, variable };
  }
  return undefined;
}
