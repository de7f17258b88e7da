"""The 2019 way, as the benchmark's peer: one process per client, one client after another, as the
PowerShell wrapper ran connectmetrics.py for each config file. boto3 with the profile of the file's
name, GetCurrentMetricData and GetMetricData for its queues (100 a request, every page), one row per
queue written as JSON. Not part of the product: it only times what connect-metrics replaces.

    python3 bench/connectmetrics_2019.py CONFIG_FILE OUTPUT_DIR
"""
import datetime
import json
import os
import sys

import boto3

CURRENT = ["AGENTS_ONLINE", "AGENTS_ON_CALL", "CONTACTS_IN_QUEUE", "OLDEST_CONTACT_AGE",
           "AGENTS_AFTER_CONTACT_WORK", "AGENTS_AVAILABLE"]
HISTORICAL = ["CONTACTS_QUEUED", "CONTACTS_HANDLED", "CONTACTS_ABANDONED"]


def main(path, output_dir):
    profile = os.path.basename(path)[: -len("-instance-queues.json")]
    with open(path) as f:
        config = json.load(f)
    session = boto3.Session(profile_name=profile, region_name=config.get("region", "eu-west-2"))
    connect = session.client("connect")
    queue_ids = list(config["queues"])
    rows = {q: {} for q in queue_ids}
    now = datetime.datetime.now(datetime.timezone.utc)
    end = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    start = end.replace(hour=0, minute=0)
    def pages(call, **kwargs):
        """Every page of a call, following NextToken (botocore has no paginator for these)."""
        while True:
            page = call(**kwargs)
            yield page
            if not page.get("NextToken"):
                return
            kwargs["NextToken"] = page["NextToken"]

    def record(page):
        for result in page["MetricResults"]:
            for c in result["Collections"]:
                rows[result["Dimensions"]["Queue"]["Id"]][c["Metric"]["Name"]] = c.get("Value") or 0

    for i in range(0, len(queue_ids), 100):
        filters = {"Queues": queue_ids[i:i + 100], "Channels": ["VOICE"]}
        for page in pages(connect.get_current_metric_data, InstanceId=config["instanceId"], Filters=filters,
                          Groupings=["QUEUE"],
                          CurrentMetrics=[{"Name": m, "Unit": "SECONDS" if m == "OLDEST_CONTACT_AGE" else "COUNT"}
                                          for m in CURRENT]):
            record(page)
        if end > start:
            for page in pages(connect.get_metric_data, InstanceId=config["instanceId"], StartTime=start, EndTime=end,
                              Filters=filters, Groupings=["QUEUE"],
                              HistoricalMetrics=[{"Name": m, "Unit": "COUNT", "Statistic": "SUM"}
                                                 for m in HISTORICAL]):
                record(page)
    date = datetime.datetime.now().isoformat()
    out = [dict(Date=date, Client=config["clientName"], QueueName=config["queues"][q], **rows[q]) for q in queue_ids]
    name = "%s-%s-metric-data.json" % (config["clientName"].lower(), config["environment"].lower())
    with open(os.path.join(output_dir, name), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
