"""Reports people file (issue 15): one document model rendered to DOCX and PDF, the report kinds, their pages and `carbonms report`."""
