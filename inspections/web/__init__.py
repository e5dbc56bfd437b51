"""The pages (an adapter): inspections, rectification tasks, metrics and the notification centre, with their
forms and URLs. Business rules stay in the services and selectors they call."""
