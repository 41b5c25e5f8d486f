"""Work plans, issued and incoming documents, meetings, tasks and report obligations."""
