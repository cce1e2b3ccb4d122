"""Exchange with other tools: REFI-QDA projects and codebooks (``exchange.refi``); tables (``exchange.tables``)."""
