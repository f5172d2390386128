using System.Net.Http;

public static class InvoiceClient
{
    // Function key hard-coded in the URL
    private const string Url = "https://invoice-fn.azurewebsites.net/api/ProcessInvoice?code=G0XxU4VQ5g9QfwQE5rwZg58M-A7ObydvR11Y4o0PVJYv607LawwvLP=="; // expect: azure-functions-key
    private const string SafeUrl = "https://invoice-fn.azurewebsites.net/api/ProcessInvoice";

    public static HttpRequestMessage Build(string body, string key)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, SafeUrl);
        req.Headers.Add("x-functions-key", key);
        req.Headers.Add("Ocp-Apim-Subscription-Key", "35d67763afad8aecceed209723106706"); // expect: azure-ai-services-key
        return req;
    }
}
