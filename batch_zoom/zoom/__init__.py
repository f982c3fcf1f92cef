"""Speaking to Zoom: OAuth token, HTTP client, retries and pacing; the only code using HTTP."""
