"""Teacher models: clients for OpenAI-compatible servers and local models, flow control,
structured output, a shared cache of answers, and a local OpenAI-compatible test server."""
