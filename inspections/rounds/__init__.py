"""Inspection rounds (巡查计划): managers assign hotspots to inspectors for a day or a campaign phase, in a visiting
order; the server decides which stops were visited from the inspections it received (see ``selectors``)."""
