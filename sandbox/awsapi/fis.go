package awsapi

import "net/http"

// ServiceFIS is AWS Fault Injection Service, served in REST-JSON at
// /experimentTemplates and /experiments.
const ServiceFIS = "fis"

// fisService is FIS's model (fis-2020-12-01) as the wire layer needs it;
// its errors are the model's that the sandbox returns, with their
// statuses. The model spells members in lowerCamelCase (experimentTemplateId).
var fisService = &service{
	name:        ServiceFIS,
	namespace:   "com.amazonaws.fis",
	shapeName:   "FaultInjectionSimulator",
	signingName: "fis",
	messageKey:  "message",
	params:      restParams("ValidationException"),
	members:     lowerFirst,
	errors: errorTable(
		errorShape{shape: "ValidationException"},
		errorShape{shape: "ResourceNotFoundException", status: http.StatusNotFound},
		errorShape{shape: "ConflictException", status: http.StatusConflict},
		errorShape{shape: "ServiceQuotaExceededException", status: http.StatusPaymentRequired},
	),
}

// fisREST is FIS's HTTP bindings (the @http traits of fis-2020-12-01) for
// the operations the sandbox serves.
var fisREST = &restAPI{
	svc:    fisService,
	prefix: "/",
	json:   true,
	roots:  []string{"experimentTemplates", "experiments"},
	routes: []restRoute{
		{method: "POST", path: "experimentTemplates", operation: "CreateExperimentTemplate"},
		{method: "GET", path: "experimentTemplates", operation: "ListExperimentTemplates", query: map[string]string{"maxResults": "maxResults", "nextToken": "nextToken"}},
		{method: "GET", path: "experimentTemplates/{id}", operation: "GetExperimentTemplate"},
		{method: "DELETE", path: "experimentTemplates/{id}", operation: "DeleteExperimentTemplate"},
		{method: "POST", path: "experiments", operation: "StartExperiment"},
		{method: "GET", path: "experiments", operation: "ListExperiments", query: map[string]string{
			"maxResults": "maxResults", "nextToken": "nextToken", "experimentTemplateId": "experimentTemplateId",
		}},
		{method: "GET", path: "experiments/{id}", operation: "GetExperiment"},
		{method: "DELETE", path: "experiments/{id}", operation: "StopExperiment"},
	},
}
