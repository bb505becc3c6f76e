import os
import requests
API_KEY = os.environ["CLAWHQ_API_KEY"]
response = requests.post(
"https://app.clawhq.tech/api/v1/chat",
headers={
"Content-Type": "application/json",
"Authorization": f"Bearer {API_KEY}"
},
json={
"message": "What are your business hours?",
"agent": "support-bot"
}
)
data = response.json()
print(data["response"])
