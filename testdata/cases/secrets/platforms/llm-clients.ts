// Provider clients for the playground. Keys below were pasted while debugging.
import Groq from "groq-sdk";
import Replicate from "replicate";
import { HfInference } from "@huggingface/inference";

const groq = new Groq({ apiKey: "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" }); // expect: groq-api-key
const replicate = new Replicate({ auth: "r8_j3UuMNQ4zEIdZBn07vi16TNPxFq1oHLqk15iW" }); // expect: replicate-api-token
const hf = new HfInference("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"); // expect: huggingface-access-token
const hfOrg = new HfInference("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"); // expect: huggingface-org-api-token

export const providers = {
  perplexity: { baseURL: "https://api.perplexity.ai", apiKey: "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" }, // expect: perplexity-api-key
  xai: { baseURL: "https://api.x.ai/v1", apiKey: "xai-BejzhcHjKdxbziZhbfioxNIn3cjE9JoCqGfRlnb2VRgB4FjkYuNGo4KLeWbtThQdwCAdG476MAnL2mfz" }, // expect: xai-api-key
  together: { baseURL: "https://api.together.xyz/v1", apiKey: "tgp_v1_OFfr9BNTXgm_HgUW7c6oo5WDI8p0IUQz_YWWQ3ZtavG" }, // expect: together-api-key
  togetherLegacy: { apiKey: "cf061408d66086791a14e735ae70f04af91fcbde0a0dd8016be43e5dba808228" }, // expect: together-legacy-api-key
  openaiUser: { apiKey: "sk-None-yE77ScBX4zi7BPovA4HiT3BlbkFJagukkOl37XMZgBImtfMN" }, // expect: openai-api-key
  // near misses
  groqDocs: { apiKey: "gsk_..." },
  xaiEnv: { apiKey: process.env.XAI_API_KEY },
};

export async function speak(text: string) {
  return fetch("https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM", {
    method: "POST",
    headers: { "xi-api-key": "sk_d563ae4fa36d6cb157b1696c455ee6e20776038924497869", "Content-Type": "application/json" }, // expect: elevenlabs-api-key
    body: JSON.stringify({ text }),
  });
}
