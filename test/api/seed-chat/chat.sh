curl -X POST https://app.clawhq.tech/api/v1/chat \
-H "Content-Type: application/json" \
-H "Authorization: Bearer $CLAWHQ_API_KEY" \
-d '{"message": "What are your business hours?", "agent": "support-bot"}'
