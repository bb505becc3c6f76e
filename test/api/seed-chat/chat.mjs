const CLAWHQ_API_KEY = process.env.CLAWHQ_API_KEY;
const response = await fetch("https://app.clawhq.tech/api/v1/chat", {
method: "POST",
headers: {
"Content-Type": "application/json",
"Authorization": `Bearer ${CLAWHQ_API_KEY}`
},
body: JSON.stringify({
message: "What are your business hours?",
agent: "support-bot"
})
});
const data = await response.json();
console.log(data.response);
