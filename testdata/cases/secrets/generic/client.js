// Minimal client for the internal search cluster.
const { Client } = require("@elastic/elasticsearch");
const jwt = require("jsonwebtoken");

const search = new Client({
  node: "https://es-prod.corp.local:9200",
  auth: { username: "search-indexer", password: "U3aPTMZwMs" }, // expect: generic-password-assignment
});

const analytics = new Client({ apiKey: "Y8UXK27usqTrAREEBR8ciC5jALnCubih" }); // expect: generic-api-key-assignment
const fromEnv = new Client({ apiKey: process.env.SEARCH_API_KEY });

const serviceToken = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0ZjFjMmE5ZSIsInNjb3BlIjoib3JkZXJzOndyaXRlIiwiaWF0IjoxNzEwMDAwMDAwfQ.n01e4gYTJ7QxDCWPg45VBIjlkDWUpggrOF_qblLr_N8_wyXwlvrkjjkw-xfmf5nImc4FjTbbd7QmhNjZQO7cig"; // expect: jwt-token

function sign(claims) {
  return jwt.sign(claims, process.env.JWT_SECRET, { expiresIn: "15m" });
}

async function fetchOrders(token) {
  return fetch("https://api.internal.acme-corp.io/v1/orders", {
    headers: { Authorization: `Bearer ${token}` },
  });
}

const config = {
  password: process.env.DB_PASSWORD,
  passwordMinLength: 12,
  refresh_token: "34YT0F74nsKOZln9obaulp4apn2RMlx49i3N8fBM", // expect: generic-token-assignment
};

module.exports = { search, analytics, fromEnv, serviceToken, sign, fetchOrders, config };
