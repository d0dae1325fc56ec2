"""Dashboard and BI connection files built from the warehouse (see docs/dashboard_guide.md)."""
