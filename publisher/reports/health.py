"""Account health in the monthly report: the last ``accounts audit`` of the month.

``accounts audit`` records its findings in the month's ``stats/YYYY-MM.yml``; the report lists
them per account with how to fix each, and counts them in a chart. Only the text a finding
recorded is shown (escaped like everything on the page); an account without findings reads
"в порядке".
"""

from __future__ import annotations

from collections.abc import Mapping

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.i18n import _
from publisher.reports.charts import bar_chart
from publisher.reports.names import AccountNames
from publisher.reports.reach import Part
from publisher.state.stats import AuditEntry

HEALTH_COLOR = "#b5651d"


def health_parts(
    audit: Mapping[str, AuditEntry], names: AccountNames, titled: bool = True
) -> list[Part]:
    """The audit's table and chart; none for a month without an audit."""
    if not audit:
        return []
    order = {network: index for index, network in enumerate(NETWORK_TABLE)}
    accounts = sorted(
        audit.items(), key=lambda item: (order.get(item[1].network, len(order)), item[0])
    )
    rows: list[list[object]] = []
    bars: list[tuple[str, int]] = []
    for account, entry in accounts:
        title = names.title(entry.network, account)
        bars.append((title, len(entry.findings)))
        if not entry.findings:
            rows.append([title, _("in order"), ""])
        for finding in entry.findings:
            rows.append([title, finding.message, finding.fix])
    chart = bar_chart(_("Findings per account"), bars, HEALTH_COLOR, titled)
    head = [_("Account"), _("Finding"), _("How to fix it")]
    return [Part(_("Account health"), "health.svg", chart, head, rows)]
