"""Exchange with other tools: REFI-QDA projects and codebooks (``exchange.refi``)."""
