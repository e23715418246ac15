"""Break-it suites: hostile servers, hostile text and hostile command lines."""
