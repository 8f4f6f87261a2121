#include "metrics_api/openapi_documents.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>

#include "metrics_api/api_documents.h"
#include "metrics_api/json_writer.h"

// The schema table below uses designated initializers that name only the fields a schema has; the
// rest are meant to stay default, which -Wextra's missing-field-initializers would flag on every line.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace mpf::api::metrics {
namespace {

// Schemas transcribed from metrics-server's pkg/api/generated/openapi/zz_generated.openapi.go
// (k8s.io/* v0.36.3) for the types the routes reach. Properties keep source order; written sorted.

enum class Default { kNone, kEmptyString, kEmptyObject, kZero, kFalse };

struct Property;

struct Extension {
  std::string name;
  std::string value;              // a string value, or
  std::vector<std::string> list;  // a list of strings (x-kubernetes-list-map-keys)
};

struct Schema {
  std::string description;
  std::string type;
  std::string format;
  Default default_value = Default::kNone;
  // A definition name; "@Kind" names a metrics type of the version being written.
  std::string ref;
  std::vector<Schema> items;                  // at most one
  std::vector<Schema> additional_properties;  // at most one
  std::vector<Property> properties;
  std::vector<std::string> required;
  std::vector<Extension> extensions;
};

struct Property {
  std::string name;
  Schema schema;
};

constexpr std::string_view kMetricsPrefix = "io.k8s.metrics.pkg.apis.metrics.";
constexpr std::string_view kQuantity = "io.k8s.apimachinery.pkg.api.resource.Quantity";
constexpr std::string_view kVersionInfo = "io.k8s.apimachinery.pkg.version.Info";
constexpr std::string_view kApiGroupList = "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList";
constexpr std::string_view kApiGroup = "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup";
constexpr std::string_view kApiResourceList = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList";

// resource.Quantity: v2 gets {type: string}, v3 {oneOf: [string, number]}
// (common.EmbedOpenAPIDefinitionIntoV2Extension).
constexpr std::string_view kQuantityDescription = "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation.";

using Definitions = std::map<std::string, Schema, std::less<>>;

// Keyed by full name; metrics types by "@Kind".
const Definitions& all_definitions() {
  static const Definitions defs = [] {
    Definitions d;
    auto add = [&d](std::string name, Schema s) { d.emplace(std::move(name), std::move(s)); };
    add("io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup", Schema{.description = "APIGroup contains the name, the supported versions, and the preferred version of a group.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"name", Schema{.description = "name is the name of the group.", .type = "string", .default_value = Default::kEmptyString}},
      {"versions", Schema{.description = "versions are the versions supported in this group.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}},
      {"preferredVersion", Schema{.description = "preferredVersion is the version preferred by the API server, which probably is the storage version.", .default_value = Default::kEmptyObject, .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery"}},
      {"serverAddressByClientCIDRs", Schema{.description = "a map of client CIDR to server address that is serving this group. This is to help clients reach servers in the most network-efficient way possible. Clients can use the appropriate server address as per the CIDR that they match. In case of multiple matches, clients should use the longest matching CIDR. The server returns only those CIDRs that it thinks that the client can match. For example: the master will return an internal IP CIDR only, if the client reaches the server using an internal IP. Server looks at X-Forwarded-For header or X-Real-Ip header or request.RemoteAddr (in that order) to get the client IP.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}}}, .required = {"name", "versions"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList", Schema{.description = "APIGroupList is a list of APIGroup, to allow clients to discover the API at /apis.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"groups", Schema{.description = "groups is a list of APIGroup.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}}}, .required = {"groups"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.APIResource", Schema{.description = "APIResource specifies the name of a resource and whether it is namespaced.", .type = "object", .properties = {
      {"name", Schema{.description = "name is the plural name of the resource.", .type = "string", .default_value = Default::kEmptyString}},
      {"singularName", Schema{.description = "singularName is the singular name of the resource.  This allows clients to handle plural and singular opaquely. The singularName is more correct for reporting status on a single item and both singular and plural are allowed from the kubectl CLI interface.", .type = "string", .default_value = Default::kEmptyString}},
      {"namespaced", Schema{.description = "namespaced indicates if a resource is namespaced or not.", .type = "boolean", .default_value = Default::kFalse}},
      {"group", Schema{.description = "group is the preferred group of the resource.  Empty implies the group of the containing resource list. For subresources, this may have a different value, for example: Scale\".", .type = "string"}},
      {"version", Schema{.description = "version is the preferred version of the resource.  Empty implies the version of the containing resource list For subresources, this may have a different value, for example: v1 (while inside a v1beta1 version of the core resource's group)\".", .type = "string"}},
      {"kind", Schema{.description = "kind is the kind for the resource (e.g. 'Foo' is the kind for a resource 'foo')", .type = "string", .default_value = Default::kEmptyString}},
      {"verbs", Schema{.description = "verbs is a list of supported kube verbs (this includes get, list, watch, create, update, patch, delete, deletecollection, and proxy)", .type = "array", .items = {Schema{.type = "string"}}}},
      {"shortNames", Schema{.description = "shortNames is a list of suggested short names of the resource.", .type = "array", .items = {Schema{.type = "string"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}},
      {"categories", Schema{.description = "categories is a list of the grouped resources this resource belongs to (e.g. 'all')", .type = "array", .items = {Schema{.type = "string"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}},
      {"storageVersionHash", Schema{.description = "The hash value of the storage version, the version this resource is converted to when written to the data store. Value must be treated as opaque by clients. Only equality comparison on the value is valid. This is an alpha feature and may change or be removed in the future. The field is populated by the apiserver only if the StorageVersionHash feature gate is enabled. This field will remain optional even if it graduates.", .type = "string"}}}, .required = {"name", "singularName", "namespaced", "kind", "verbs"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList", Schema{.description = "APIResourceList is a list of APIResource, it is used to expose the name of the resources supported in a specific group and version, and if the resource is namespaced.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"groupVersion", Schema{.description = "groupVersion is the group and version this APIResourceList is for.", .type = "string", .default_value = Default::kEmptyString}},
      {"resources", Schema{.description = "resources contains the name of the resources and if they are namespaced.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}}}, .required = {"groupVersion", "resources"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.Duration", Schema{.description = "Duration is a wrapper around time.Duration which supports correct marshaling to YAML and JSON. In particular, it marshals into strings, which can be used as map keys in json.", .type = "string"});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", Schema{.description = "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff", .type = "object"});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery", Schema{.description = "GroupVersion contains the \"group/version\" and \"version\" string of a version. It is made a struct to keep extensibility.", .type = "object", .properties = {
      {"groupVersion", Schema{.description = "groupVersion specifies the API group and version in the form \"group/version\"", .type = "string", .default_value = Default::kEmptyString}},
      {"version", Schema{.description = "version specifies the version in the form of \"version\". This is to save the clients the trouble of splitting the GroupVersion.", .type = "string", .default_value = Default::kEmptyString}}}, .required = {"groupVersion", "version"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", Schema{.description = "ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.", .type = "object", .properties = {
      {"selfLink", Schema{.description = "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.", .type = "string"}},
      {"resourceVersion", Schema{.description = "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency", .type = "string"}},
      {"continue", Schema{.description = "continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects. Continuing a consistent list may not be possible if the server configuration has changed or more than a few minutes have passed. The resourceVersion field returned when using this continue value will be identical to the value in the first response, unless you have received this token from an error message.", .type = "string"}},
      {"remainingItemCount", Schema{.description = "remainingItemCount is the number of subsequent items in the list which are not included in this list response. If the list request contained label or field selectors, then the number of remaining items is unknown and the field will be left unset and omitted during serialization. If the list is complete (either because it is not chunking or because this is the last chunk), then there are no more remaining items and this field will be left unset and omitted during serialization. Servers older than v1.15 do not set this field. The intended use of the remainingItemCount is *estimating* the size of a collection. Clients should not rely on the remainingItemCount to be set or to be exact.", .type = "integer", .format = "int64"}},
      {"shardInfo", Schema{.description = "shardInfo is set when the list is a filtered subset of the full collection, as selected by a shard selector on the request. It echoes back the selector so clients can verify which shard they received and merge sharded responses. Clients should not cache sharded list responses as a full representation of the collection.\n\nThis is an alpha field and requires enabling the ShardedListAndWatch feature gate.", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ShardInfo"}}}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", Schema{.description = "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.", .type = "object", .properties = {
      {"manager", Schema{.description = "Manager is an identifier of the workflow managing these fields.", .type = "string"}},
      {"operation", Schema{.description = "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the version of this resource that this field set applies to. The format is \"group/version\" just like the top-level APIVersion field. It is necessary to track the version of a field set because it cannot be automatically converted.", .type = "string"}},
      {"time", Schema{.description = "Time is the timestamp of when the ManagedFields entry was added. The timestamp will also be updated if a field is added, the manager changes any of the owned fields value or removes a field. The timestamp does not update when a field is removed from the entry because another manager took it over.", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
      {"fieldsType", Schema{.description = "FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: \"FieldsV1\"", .type = "string"}},
      {"fieldsV1", Schema{.description = "FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type.", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"}},
      {"subresource", Schema{.description = "Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource. The value of this field is used to distinguish between managers, even if they share the same name. For example, a status update will be distinct from a regular update using the same manager name. Note that the APIVersion field is not related to the Subresource field and it always corresponds to the version of the main resource.", .type = "string"}}}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", Schema{.description = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.", .type = "object", .properties = {
      {"name", Schema{.description = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", .type = "string"}},
      {"generateName", Schema{.description = "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. The provided value has the same validation rules as the Name field, and may be truncated by the length of the suffix required to make the value unique on the server.\n\nIf this field is specified and the generated name exists, the server will return a 409.\n\nApplied only if Name is not specified. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#idempotency", .type = "string"}},
      {"namespace", Schema{.description = "Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace, but \"default\" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces", .type = "string"}},
      {"selfLink", Schema{.description = "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.", .type = "string"}},
      {"uid", Schema{.description = "UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids", .type = "string"}},
      {"resourceVersion", Schema{.description = "An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. They may only be valid for a particular resource or set of resources.\n\nPopulated by the system. Read-only. Value must be treated as opaque by clients and . More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency", .type = "string"}},
      {"generation", Schema{.description = "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.", .type = "integer", .format = "int64"}},
      {"creationTimestamp", Schema{.description = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
      {"deletionTimestamp", Schema{.description = "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client. The resource is expected to be deleted (no longer visible from resource lists, and not reachable by name) after the time in this field, once the finalizers list is empty. As long as the finalizers list contains items, deletion is blocked. Once the deletionTimestamp is set, this value may not be unset or be set further into the future, although it may be shortened or the resource may be deleted prior to this time. For example, a user may request that a pod is deleted in 30 seconds. The Kubelet will react by sending a graceful termination signal to the containers in the pod. After that 30 seconds, the Kubelet will send a hard termination signal (SIGKILL) to the container and after cleanup, remove the pod from the API. In the presence of network partitions, this object may still exist after this timestamp, until an administrator or automated process can determine the resource is fully terminated. If not set, graceful deletion of the object has not been requested.\n\nPopulated by the system when a graceful deletion is requested. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
      {"deletionGracePeriodSeconds", Schema{.description = "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only.", .type = "integer", .format = "int64"}},
      {"labels", Schema{.description = "Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels", .type = "object", .additional_properties = {Schema{.type = "string"}}}},
      {"annotations", Schema{.description = "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations", .type = "object", .additional_properties = {Schema{.type = "string"}}}},
      {"ownerReferences", Schema{.description = "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"}}, .extensions = {{"x-kubernetes-list-map-keys", "", {"uid"}}, {"x-kubernetes-list-type", "map"}, {"x-kubernetes-patch-merge-key", "uid"}, {"x-kubernetes-patch-strategy", "merge"}}}},
      {"finalizers", Schema{.description = "Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed. Finalizers may be processed and removed in any order.  Order is NOT enforced because it introduces significant risk of stuck finalizers. finalizers is a shared field, any actor with permission can reorder it. If the finalizer list is processed in order, then this can lead to a situation in which the component responsible for the first finalizer in the list is waiting for a signal (field value, external system, or other) produced by a component responsible for a finalizer later in the list, resulting in a deadlock. Without enforced ordering finalizers are free to order amongst themselves and are not vulnerable to ordering changes in the list.", .type = "array", .items = {Schema{.type = "string"}}, .extensions = {{"x-kubernetes-list-type", "set"}, {"x-kubernetes-patch-strategy", "merge"}}}},
      {"managedFields", Schema{.description = "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field. A workflow can be the user's name, a controller's name, or the name of a specific apply path like \"ci-cd\". The set of fields is always in the version that the workflow used when modifying the object.", .type = "array", .items = {Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}}}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", Schema{.description = "OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.", .type = "object", .properties = {
      {"apiVersion", Schema{.description = "API version of the referent.", .type = "string", .default_value = Default::kEmptyString}},
      {"kind", Schema{.description = "Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string", .default_value = Default::kEmptyString}},
      {"name", Schema{.description = "Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names", .type = "string", .default_value = Default::kEmptyString}},
      {"uid", Schema{.description = "UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids", .type = "string", .default_value = Default::kEmptyString}},
      {"controller", Schema{.description = "If true, this reference points to the managing controller.", .type = "boolean"}},
      {"blockOwnerDeletion", Schema{.description = "If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. See https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion for how the garbage collector interacts with this field and enforces the foreground deletion. Defaults to false. To set this field, a user needs \"delete\" permission of the owner, otherwise 422 (Unprocessable Entity) will be returned.", .type = "boolean"}}}, .required = {"apiVersion", "kind", "name", "uid"}, .extensions = {{"x-kubernetes-map-type", "atomic"}}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR", Schema{.description = "ServerAddressByClientCIDR helps the client to determine the server address that they should use, depending on the clientCIDR that they match.", .type = "object", .properties = {
      {"clientCIDR", Schema{.description = "The CIDR with which clients can match their IP to figure out the server address that they should use.", .type = "string", .default_value = Default::kEmptyString}},
      {"serverAddress", Schema{.description = "Address of this server, suitable for a client that matches the above CIDR. This can be a hostname, hostname:port, IP or IP:port.", .type = "string", .default_value = Default::kEmptyString}}}, .required = {"clientCIDR", "serverAddress"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.ShardInfo", Schema{.description = "ShardInfo describes the shard selector that was applied to produce a list response. Its presence on a list response indicates the list is a filtered subset.", .type = "object", .properties = {
      {"selector", Schema{.description = "selector is the shard selector string from the request, echoed back so clients can verify which shard they received and merge responses from multiple shards.", .type = "string", .default_value = Default::kEmptyString}}}, .required = {"selector"}});
    add("io.k8s.apimachinery.pkg.apis.meta.v1.Time", Schema{.description = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.", .type = "string", .format = "date-time"});
    add("io.k8s.apimachinery.pkg.version.Info", Schema{.description = "Info contains versioning information. how we'll want to distribute that information.", .type = "object", .properties = {
      {"major", Schema{.description = "Major is the major version of the binary version", .type = "string", .default_value = Default::kEmptyString}},
      {"minor", Schema{.description = "Minor is the minor version of the binary version", .type = "string", .default_value = Default::kEmptyString}},
      {"emulationMajor", Schema{.description = "EmulationMajor is the major version of the emulation version", .type = "string"}},
      {"emulationMinor", Schema{.description = "EmulationMinor is the minor version of the emulation version", .type = "string"}},
      {"minCompatibilityMajor", Schema{.description = "MinCompatibilityMajor is the major version of the minimum compatibility version", .type = "string"}},
      {"minCompatibilityMinor", Schema{.description = "MinCompatibilityMinor is the minor version of the minimum compatibility version", .type = "string"}},
      {"gitVersion", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"gitCommit", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"gitTreeState", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"buildDate", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"goVersion", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"compiler", Schema{.type = "string", .default_value = Default::kEmptyString}},
      {"platform", Schema{.type = "string", .default_value = Default::kEmptyString}}}, .required = {"major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"}});
    add("@ContainerMetrics", Schema{.description = "ContainerMetrics sets resource usage metrics of a container.", .type = "object", .properties = {
      {"name", Schema{.description = "Container name corresponding to the one from pod.spec.containers.", .type = "string", .default_value = Default::kEmptyString}},
      {"usage", Schema{.description = "The memory usage is the memory working set.", .type = "object", .additional_properties = {Schema{.ref = "io.k8s.apimachinery.pkg.api.resource.Quantity"}}}}}, .required = {"name", "usage"}});
    add("@NodeMetrics", Schema{.description = "NodeMetrics sets resource usage metrics of a node.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"metadata", Schema{.description = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", .default_value = Default::kEmptyObject, .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}},
      {"timestamp", Schema{.description = "The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
      {"window", Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Duration"}},
      {"usage", Schema{.description = "The memory usage is the memory working set.", .type = "object", .additional_properties = {Schema{.ref = "io.k8s.apimachinery.pkg.api.resource.Quantity"}}}}}, .required = {"timestamp", "window", "usage"}});
    add("@NodeMetricsList", Schema{.description = "NodeMetricsList is a list of NodeMetrics.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"metadata", Schema{.description = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .default_value = Default::kEmptyObject, .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}},
      {"items", Schema{.description = "List of node metrics.", .type = "array", .items = {Schema{.ref = "@NodeMetrics"}}}}}, .required = {"items"}});
    add("@PodMetrics", Schema{.description = "PodMetrics sets resource usage metrics of a pod.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"metadata", Schema{.description = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata", .default_value = Default::kEmptyObject, .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}},
      {"timestamp", Schema{.description = "The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].", .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
      {"window", Schema{.ref = "io.k8s.apimachinery.pkg.apis.meta.v1.Duration"}},
      {"containers", Schema{.description = "Metrics for all containers are collected within the same time window.", .type = "array", .items = {Schema{.ref = "@ContainerMetrics"}}, .extensions = {{"x-kubernetes-list-type", "atomic"}}}}}, .required = {"timestamp", "window", "containers"}});
    add("@PodMetricsList", Schema{.description = "PodMetricsList is a list of PodMetrics.", .type = "object", .properties = {
      {"kind", Schema{.description = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .type = "string"}},
      {"apiVersion", Schema{.description = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources", .type = "string"}},
      {"metadata", Schema{.description = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", .default_value = Default::kEmptyObject, .ref = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"}},
      {"items", Schema{.description = "List of pod metrics.", .type = "array", .items = {Schema{.ref = "@PodMetrics"}}}}}, .required = {"items"}});
    return d;
  }();
  return defs;
}

// ---- JSON helpers ----

void string_array(JsonWriter& w, std::span<const std::string_view> values) {
  w.begin_array();
  for (std::string_view v : values) w.string(v);
  w.end_array();
}

// The x-kubernetes-group-version-kind value of a definition (DefinitionNamer: map keys sorted).
void gvk_list(JsonWriter& w, std::string_view group, std::string_view version, std::string_view kind) {
  w.begin_array();
  w.begin_object();
  w.member("group", group);
  w.member("kind", kind);
  w.member("version", version);
  w.end_object();
  w.end_array();
}

enum class Spec { kV2, kV3 };

std::string resolve_ref(std::string_view ref, std::string_view version) {
  if (!ref.starts_with('@')) return std::string(ref);
  std::string out(kMetricsPrefix);
  out += version;
  out += '.';
  out += ref.substr(1);
  return out;
}

std::string ref_uri(Spec spec, std::string_view name) {
  return std::string(spec == Spec::kV2 ? "#/definitions/" : "#/components/schemas/") + std::string(name);
}

void write_ref(JsonWriter& w, Spec spec, std::string_view name) {
  w.begin_object();
  w.member("$ref", ref_uri(spec, name));
  w.end_object();
}

// Field order of kube-openapi's schemaPropsOmitZero, then $ref, then extensions (sorted). v2 drops
// defaults (handler.PruneDefaults); v3 wraps a $ref with siblings in allOf (builder3 WrapRefs).
struct Gvk {
  std::string group, version, kind;
};

void write_schema(JsonWriter& w, Spec spec, const Schema& s, std::string_view version, const Gvk* gvk = nullptr) {
  const bool ref_alone = s.description.empty() && s.type.empty() && s.format.empty() &&
                         s.default_value == Default::kNone && s.extensions.empty() && s.properties.empty();
  const bool wrap_ref = spec == Spec::kV3 && !s.ref.empty() && !ref_alone;
  w.begin_object();
  if (!s.description.empty()) w.member("description", s.description);
  if (!s.type.empty()) w.member("type", s.type);
  if (!s.format.empty()) w.member("format", s.format);
  if (spec == Spec::kV3 && s.default_value != Default::kNone) {
    w.key("default");
    switch (s.default_value) {
      case Default::kEmptyString: w.string(""); break;
      case Default::kEmptyObject: w.begin_object(); w.end_object(); break;
      case Default::kZero: w.int64(0); break;
      case Default::kFalse: w.boolean(false); break;
      case Default::kNone: break;
    }
  }
  if (!s.required.empty()) {
    w.key("required");
    w.begin_array();
    for (const std::string& r : s.required) w.string(r);
    w.end_array();
  }
  if (!s.items.empty()) {
    w.key("items");
    write_schema(w, spec, s.items.front(), version);
  }
  if (wrap_ref) {
    w.key("allOf");
    w.begin_array();
    write_ref(w, spec, resolve_ref(s.ref, version));
    w.end_array();
  }
  if (!s.properties.empty()) {
    std::vector<const Property*> sorted;
    for (const Property& p : s.properties) sorted.push_back(&p);
    std::sort(sorted.begin(), sorted.end(), [](const Property* a, const Property* b) { return a->name < b->name; });
    w.key("properties");
    w.begin_object();
    for (const Property* p : sorted) {
      w.key(p->name);
      write_schema(w, spec, p->schema, version);
    }
    w.end_object();
  }
  if (!s.additional_properties.empty()) {
    w.key("additionalProperties");
    write_schema(w, spec, s.additional_properties.front(), version);
  }
  if (!s.ref.empty() && !wrap_ref) w.member("$ref", ref_uri(spec, resolve_ref(s.ref, version)));
  std::vector<const Extension*> exts;
  for (const Extension& e : s.extensions) exts.push_back(&e);
  std::sort(exts.begin(), exts.end(), [](const Extension* a, const Extension* b) { return a->name < b->name; });
  for (const Extension* e : exts) {
    w.key(e->name);
    if (e->list.empty()) {
      w.string(e->value);
    } else {
      w.begin_array();
      for (const std::string& v : e->list) w.string(v);
      w.end_array();
    }
  }
  if (gvk != nullptr) {
    w.key("x-kubernetes-group-version-kind");
    gvk_list(w, gvk->group, gvk->version, gvk->kind);
  }
  w.end_object();
}

// A definition by full name, with the x-kubernetes-group-version-kind that the apiserver's
// DefinitionNamer adds for kinds in metrics-server's scheme: the metrics kinds, and APIGroup,
// APIGroupList, APIResourceList as unversioned "v1" kinds.
void write_definition(JsonWriter& w, Spec spec, std::string_view name) {
  if (name == kQuantity) {
    w.begin_object();
    w.member("description", kQuantityDescription);
    if (spec == Spec::kV2) {
      w.member("type", "string");
    } else {
      w.key("oneOf");
      w.begin_array();
      for (std::string_view t : {"string", "number"}) {
        w.begin_object();
        w.member("type", t);
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
    return;
  }
  std::string key(name);
  std::string version;
  Gvk gvk;
  if (name.starts_with(kMetricsPrefix)) {
    const std::string_view rest = name.substr(kMetricsPrefix.size());
    version = std::string(rest.substr(0, rest.find('.')));
    key = "@" + std::string(rest.substr(rest.find('.') + 1));
    if (key != "@ContainerMetrics") gvk = {std::string(kGroupName), version, key.substr(1)};
  } else if (name == kApiGroup || name == kApiGroupList || name == kApiResourceList) {
    gvk = {"", "v1", std::string(name.substr(name.rfind('.') + 1))};
  }
  write_schema(w, spec, all_definitions().find(key)->second, version, gvk.kind.empty() ? nullptr : &gvk);
}

// Adds `name` and every definition it references (kube-openapi's buildDefinitionRecursively).
void collect_definitions(std::string_view name, std::set<std::string, std::less<>>& out) {
  if (!out.insert(std::string(name)).second || name == kQuantity) return;
  std::string key(name);
  std::string version;
  if (name.starts_with(kMetricsPrefix)) {
    const std::string_view rest = name.substr(kMetricsPrefix.size());
    version = std::string(rest.substr(0, rest.find('.')));
    key = "@" + std::string(rest.substr(rest.find('.') + 1));
  }
  std::vector<const Schema*> stack{&all_definitions().find(key)->second};
  while (!stack.empty()) {
    const Schema* s = stack.back();
    stack.pop_back();
    if (!s->ref.empty()) collect_definitions(resolve_ref(s->ref, version), out);
    for (const Schema& i : s->items) stack.push_back(&i);
    for (const Schema& a : s->additional_properties) stack.push_back(&a);
    for (const Property& p : s->properties) stack.push_back(&p.schema);
  }
}

// ---- Routes, as metrics-server's go-restful web services declare them ----

struct Param {
  std::string_view name;
  std::string_view in;  // "query" or "path"
  std::string_view type;
  std::string description;
};

struct Route {
  std::string path;
  std::string description;
  std::string operation_id;
  std::string tag;
  std::vector<std::string_view> consumes;
  std::vector<std::string_view> produces;
  std::string response;  // definition name of the 200 response
  std::string action;    // x-kubernetes-action; "" for discovery routes
  std::string kind;      // x-kubernetes-group-version-kind (metrics kinds only)
  std::string version;
  std::vector<Param> params;  // sorted by name, then in
};

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kYaml = "application/yaml";
constexpr std::string_view kProtobuf = "application/vnd.kubernetes.protobuf";
constexpr std::string_view kJsonWatch = "application/json;stream=watch";
constexpr std::string_view kProtobufWatch = "application/vnd.kubernetes.protobuf;stream=watch";

constexpr std::string_view kPrettyDescription =
    "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a "
    "browser or command-line HTTP tool (curl and wget).";

// metav1.ListOptions fields the installer turns into query parameters (AddObjectParams), with the
// descriptions of zz_generated.openapi.go.
std::vector<Param> list_option_params() {
  return {
      {"allowWatchBookmarks", "query", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored."},
      {"continue", "query", "string", "The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, it must restart their list without the continue field. Otherwise, the client may send another list request with the token received with the 410 error, the server will respond with a list starting from the next key, but from the latest snapshot, which is inconsistent from the previous list results - objects that are created, modified, or deleted after the first list request will be included in the response, as long as their keys are after the \"next key\".\n\nThis field is not supported when watch is true. Clients may start a watch from the last resourceVersion value returned by the server and not miss any modifications."},
      {"fieldSelector", "query", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."},
      {"labelSelector", "query", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."},
      {"limit", "query", "integer", "limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results. Setting a limit may return fewer than the requested amount of items (up to zero items) in the event all requested objects are filtered out and clients should only use the presence of the continue field to determine whether more results are available. Servers may choose not to support the limit argument and will return all of the available results. If limit is specified and the continue field is empty, clients may assume that no more results are available. This field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using continue will be identical to issuing a single list call without a limit - that is, no objects created, modified, or deleted after the first request is issued will be included in any subsequent continued requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is using limit to receive smaller chunks of a very large result can ensure they see all possible objects. If objects are updated during a chunked list the version of the object that was present at the time the first list result was calculated is returned."},
      {"resourceVersion", "query", "string", "resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset"},
      {"resourceVersionMatch", "query", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset"},
      {"sendInitialEvents", "query", "boolean", "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic \"Bookmark\" event  will be sent. The bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with `\"k8s.io/initial-events-end\": \"true\"` annotation. Afterwards, the watch stream will proceed as usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\nWhen `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is interpreted as \"data at least as new as the provided `resourceVersion`\"\n  and the bookmark event is send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the ListOptions.\n  If `resourceVersion` is unset, this is interpreted as \"consistent read\" and the\n  bookmark event is send when the state is synced at least to the moment\n  when request started being processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\nDefaults to true if `resourceVersion=\"\"` or `resourceVersion=\"0\"` (for backward compatibility reasons) and to false otherwise."},
      {"shardSelector", "query", "string", "shardSelector restricts the list of returned objects using a CEL-based shard selector expression. The format uses the shardRange() function combined with || (logical OR) to specify one or more hash ranges:\n\n  shardRange(object.metadata.uid, '0x0', '0x8000000000000000')\n  shardRange(object.metadata.uid, '0x0', '0x8000000000000000') || shardRange(object.metadata.uid, '0x8000000000000000', '0x10000000000000000')\n\nField paths use CEL-style object-rooted syntax (e.g. \"object.metadata.uid\"), NOT the fieldSelector format (\"metadata.uid\"). Currently supported paths:\n  - object.metadata.uid\n  - object.metadata.namespace\n\nhexStart and hexEnd are single-quoted CEL string literals with a '0x' prefix, defining the inclusive lower and exclusive upper bounds over the 64-bit FNV-1a hash space. The full range is [0x0, 0x10000000000000000), where the exclusive upper bound equals 2^64.\n\nExamples:\n  2-shard split:\n    shard 0: shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')\n    shard 1: shardRange(object.metadata.uid, '0x8000000000000000', '0x10000000000000000')\n  4-shard split:\n    shard 0: shardRange(object.metadata.uid, '0x0000000000000000', '0x4000000000000000')\n    shard 1: shardRange(object.metadata.uid, '0x4000000000000000', '0x8000000000000000')\n    shard 2: shardRange(object.metadata.uid, '0x8000000000000000', '0xc000000000000000')\n    shard 3: shardRange(object.metadata.uid, '0xc000000000000000', '0x10000000000000000')\n\nThis is an alpha field and requires enabling the ShardedListAndWatch feature gate."},
      {"timeoutSeconds", "query", "integer", "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity."},
      {"watch", "query", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion."},
  };
}

std::string capitalize(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// GetOperationIDAndTags (k8s.io/apiserver/pkg/endpoints/openapi): "read" + "Metrics" + "V1beta1" +
// "NodeMetrics"; tag "metrics_v1beta1".
std::vector<Route> routes_for_version(std::string_view version) {
  const std::string base = "/apis/metrics.k8s.io/" + std::string(version);
  const std::string id_part = "Metrics" + capitalize(version);
  const std::string tag = "metrics_" + std::string(version);
  const std::string prefix = std::string(kMetricsPrefix) + std::string(version) + ".";
  const Param pretty{"pretty", "query", "string", std::string(kPrettyDescription)};
  const Param ns{"namespace", "path", "string", "object name and auth scope, such as for teams and projects"};
  auto with = [](std::vector<Param> params) {
    std::sort(params.begin(), params.end(), [](const Param& a, const Param& b) {
      return a.name < b.name || (a.name == b.name && a.in < b.in);
    });
    return params;
  };
  auto list_params = [&](bool namespaced) {
    std::vector<Param> p = list_option_params();
    p.push_back(pretty);
    if (namespaced) p.push_back(ns);
    return with(std::move(p));
  };
  const std::vector<std::string_view> get_types{kJson, kYaml, kProtobuf};
  const std::vector<std::string_view> list_types{kJson, kYaml, kProtobuf, kJsonWatch, kProtobufWatch};
  std::vector<Route> routes;
  routes.push_back({base + "/", "get available resources", "get" + id_part + "APIResources", tag, get_types,
                    get_types, std::string(kApiResourceList), "", "", std::string(version), {}});
  auto resource = [&](std::string_view kind, bool namespaced) {
    const std::string k(kind);
    const std::string plural = kind == "NodeMetrics" ? "nodes" : "pods";
    const std::string ns_path = namespaced ? "/namespaces/{namespace}/" : "/";
    const std::string ns_id = namespaced ? "Namespaced" : "";
    const Param name{"name", "path", "string", "name of the " + k};
    routes.push_back({base + ns_path + plural, "list objects of kind " + k, "list" + id_part + ns_id + k, tag,
                      {"*/*"}, list_types, prefix + k + "List", "list", k, std::string(version),
                      list_params(namespaced)});
    std::vector<Param> get_params{name, pretty};
    if (namespaced) get_params.push_back(ns);
    routes.push_back({base + ns_path + plural + "/{name}", "read the specified " + k, "read" + id_part + ns_id + k,
                      tag, {"*/*"}, get_types, prefix + k, "get", k, std::string(version), with(get_params)});
    if (namespaced) {
      routes.push_back({base + "/" + plural, "list objects of kind " + k,
                        "list" + id_part + k + "ForAllNamespaces", tag, {"*/*"}, list_types, prefix + k + "List",
                        "list", k, std::string(version), list_params(false)});
    }
  };
  resource("NodeMetrics", false);
  resource("PodMetrics", true);
  return routes;
}

std::vector<std::string_view> served_versions(const OpenApiInfo& info) {
  if (info.served_versions.empty()) return {"v1beta1"};
  return {info.served_versions.begin(), info.served_versions.end()};
}

// Routes grouped as web services, keyed by root path without the leading '/' (InstallV3's grouping).
std::map<std::string, std::vector<Route>> web_services(const OpenApiInfo& info) {
  const std::vector<std::string_view> discovery_types{kJson, kYaml, kProtobuf};
  std::map<std::string, std::vector<Route>> services;
  services["apis"].push_back({"/apis/", "get available API versions", "getAPIVersions", "apis", discovery_types,
                              discovery_types, std::string(kApiGroupList), "", "", "", {}});
  services["apis/metrics.k8s.io"].push_back({"/apis/metrics.k8s.io/", "get information of a group",
                                             "getMetricsAPIGroup", "metrics", discovery_types, discovery_types,
                                             std::string(kApiGroup), "", "", "", {}});
  for (std::string_view version : served_versions(info)) {
    services["apis/metrics.k8s.io/" + std::string(version)] = routes_for_version(version);
  }
  if (info.include_version_path) {
    services["version"].push_back({"/version/", "get the version information for this server", "getCodeVersion",
                                   "version", {kJson}, {kJson}, std::string(kVersionInfo), "", "", "", {}});
  }
  return services;
}

// ---- Hashes ----

// FNV-1 (not 1a), 64 bit: Go's hash/fnv New64.
std::uint64_t fnv64(std::string_view data) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : data) {
    h *= 1099511628211ull;
    h ^= c;
  }
  return h;
}

// kube-openapi builder's base64Hash: URL-safe base64 of the first 6 big-endian bytes (8 characters).
std::string base64_hash(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::uint64_t h = fnv64(data);
  unsigned char bytes[6];
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(h >> (56 - 8 * i));
  std::string out;
  for (int i = 0; i < 6; i += 3) {
    const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  return out;
}

// A v2 parameter as spec.Parameter marshals (CommonValidations, SimpleSchema, ParamProps order).
std::string v2_param_json(const Param& p) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("uniqueItems");
  w.boolean(true);
  w.member("type", p.type);
  w.member("description", p.description);
  w.member("name", p.name);
  w.member("in", p.in);
  if (p.in == "path") {
    w.key("required");
    w.boolean(true);
  }
  w.end_object();
  return out;
}

void raw(JsonWriter& w, std::string_view json) {
  // Splices pre-rendered compact JSON as the next value: an empty object written through the writer
  // keeps its comma bookkeeping, then "{}" is swapped for the text.
  w.begin_object();
  w.end_object();
  std::string& out = w.out();
  out.resize(out.size() - 2);
  out += json;
}

// The operation's x-kubernetes-action and x-kubernetes-group-version-kind (route.Metadata holds a
// metav1.GroupVersionKind struct: group, version, kind), the same in v2 and v3.
void write_route_extensions(JsonWriter& w, const Route& r) {
  if (r.action.empty()) return;
  w.member("x-kubernetes-action", r.action);
  w.key("x-kubernetes-group-version-kind");
  w.begin_object();
  w.member("group", kGroupName);
  w.member("version", r.version);
  w.member("kind", r.kind);
  w.end_object();
}

void write_v2_operation(JsonWriter& w, const Route& r) {
  w.begin_object();
  w.member("description", r.description);
  w.key("consumes");
  string_array(w, r.consumes);
  w.key("produces");
  string_array(w, r.produces);
  w.key("schemes");
  w.begin_array();
  w.string("https");
  w.end_array();
  w.key("tags");
  w.begin_array();
  w.string(r.tag);
  w.end_array();
  w.member("operationId", r.operation_id);
  w.key("responses");
  w.begin_object();
  w.key("200");
  w.begin_object();
  w.member("description", "OK");
  w.key("schema");
  write_ref(w, Spec::kV2, r.response);
  w.end_object();
  w.end_object();
  write_route_extensions(w, r);
  w.end_object();
}

void write_v3_operation(JsonWriter& w, const Route& r) {
  w.begin_object();
  w.key("tags");
  w.begin_array();
  w.string(r.tag);
  w.end_array();
  w.member("description", r.description);
  w.member("operationId", r.operation_id);
  w.key("responses");
  w.begin_object();
  w.key("200");
  w.begin_object();
  w.member("description", "OK");
  w.key("content");
  std::vector<std::string_view> types = r.produces;
  std::sort(types.begin(), types.end());
  w.begin_object();
  for (std::string_view t : types) {
    w.key(t);
    w.begin_object();
    w.key("schema");
    write_ref(w, Spec::kV3, r.response);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  w.end_object();
  write_route_extensions(w, r);
  w.end_object();
}

void write_v3_param(JsonWriter& w, const Param& p) {
  w.begin_object();
  w.member("name", p.name);
  w.member("in", p.in);
  w.member("description", p.description);
  if (p.in == "path") {
    w.key("required");
    w.boolean(true);
  }
  w.key("schema");
  w.begin_object();
  w.member("type", p.type);
  w.key("uniqueItems");
  w.boolean(true);
  w.end_object();
  w.end_object();
}

void write_info(JsonWriter& w, const OpenApiInfo& info) {
  w.key("info");
  w.begin_object();
  w.member("title", "Kubernetes metrics-server");
  w.member("version", openapi_info_version(info.binary_version));
  w.end_object();
}

std::string v3_document(const OpenApiInfo& info, const std::vector<Route>& routes) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("openapi", "3.0.0");
  write_info(w, info);
  std::map<std::string_view, const Route*> paths;
  std::set<std::string, std::less<>> defs;
  for (const Route& r : routes) {
    paths[r.path] = &r;
    collect_definitions(r.response, defs);
  }
  w.key("paths");
  w.begin_object();
  for (const auto& [path, r] : paths) {
    w.key(path);
    w.begin_object();
    w.key("get");
    write_v3_operation(w, *r);
    if (!r->params.empty()) {
      w.key("parameters");
      w.begin_array();
      for (const Param& p : r->params) write_v3_param(w, p);
      w.end_array();
    }
    w.end_object();
  }
  w.end_object();
  w.key("components");
  w.begin_object();
  w.key("schemas");
  w.begin_object();
  for (const std::string& name : defs) {
    w.key(name);
    write_definition(w, Spec::kV3, name);
  }
  w.end_object();
  w.end_object();
  w.end_object();
  return out;
}

// SHA-512 (FIPS 180-4), enough for hashing start-up documents.
std::array<std::uint8_t, 64> sha512(std::string_view data) {
  static constexpr std::uint64_t k[80] = {
      0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
      0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
      0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
      0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
      0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
      0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
      0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
      0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
      0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
      0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
      0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
      0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
      0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
      0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
      0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
      0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
      0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
      0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
      0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
      0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
  };
  std::uint64_t h[8] = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
                        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull};
  std::string msg(data);
  const std::uint64_t bit_len = static_cast<std::uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 128 != 112) msg += '\0';
  for (int i = 0; i < 8; ++i) msg += '\0';  // high 64 bits of the 128-bit length
  for (int i = 7; i >= 0; --i) msg += static_cast<char>(bit_len >> (8 * i));
  auto rotr = [](std::uint64_t x, int n) { return (x >> n) | (x << (64 - n)); };
  for (std::size_t off = 0; off < msg.size(); off += 128) {
    std::uint64_t wv[80];
    for (int i = 0; i < 16; ++i) {
      wv[i] = 0;
      for (int b = 0; b < 8; ++b) wv[i] = (wv[i] << 8) | static_cast<std::uint8_t>(msg[off + i * 8 + b]);
    }
    for (int i = 16; i < 80; ++i) {
      const std::uint64_t s0 = rotr(wv[i - 15], 1) ^ rotr(wv[i - 15], 8) ^ (wv[i - 15] >> 7);
      const std::uint64_t s1 = rotr(wv[i - 2], 19) ^ rotr(wv[i - 2], 61) ^ (wv[i - 2] >> 6);
      wv[i] = wv[i - 16] + s0 + wv[i - 7] + s1;
    }
    std::uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 80; ++i) {
      const std::uint64_t t1 = hh + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + k[i] + wv[i];
      const std::uint64_t t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::array<std::uint8_t, 64> out{};
  for (int i = 0; i < 8; ++i) {
    for (int b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<std::uint8_t>(h[i] >> (56 - 8 * b));
  }
  return out;
}

}  // namespace

std::string openapi_info_version(std::string_view binary_version) {
  if (binary_version.empty()) return "unversioned";
  return std::string(binary_version.substr(0, binary_version.find('-')));
}

std::string openapi_hash(std::string_view body) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::uint8_t b : sha512(body)) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string openapi_v2_document(const OpenApiInfo& info) {
  std::map<std::string_view, const Route*> paths;
  std::set<std::string, std::less<>> defs;
  const auto services = web_services(info);
  for (const auto& [root, routes] : services) {
    for (const Route& r : routes) {
      paths[r.path] = &r;
      collect_definitions(r.response, defs);
    }
  }
  // deduplicateParameters: every parameter except "name" moves to #/parameters/<name>-<hash>.
  std::map<std::string, std::string> shared;  // key -> parameter JSON
  auto shared_name = [](const Param& p, const std::string& json) {
    return std::string(p.name) + "-" + base64_hash(json);
  };
  for (const auto& [path, r] : paths) {
    for (const Param& p : r->params) {
      if (p.name == "name") continue;
      const std::string json = v2_param_json(p);
      shared.emplace(shared_name(p, json), json);
    }
  }
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.member("swagger", "2.0");
  write_info(w, info);
  w.key("paths");
  w.begin_object();
  for (const auto& [path, r] : paths) {
    w.key(path);
    w.begin_object();
    w.key("get");
    write_v2_operation(w, *r);
    if (!r->params.empty()) {
      w.key("parameters");
      w.begin_array();
      for (const Param& p : r->params) {
        const std::string json = v2_param_json(p);
        if (p.name == "name") {
          raw(w, json);
        } else {
          w.begin_object();
          w.member("$ref", "#/parameters/" + shared_name(p, json));
          w.end_object();
        }
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_object();
  w.key("definitions");
  w.begin_object();
  for (const std::string& name : defs) {
    w.key(name);
    write_definition(w, Spec::kV2, name);
  }
  w.end_object();
  if (!shared.empty()) {
    w.key("parameters");
    w.begin_object();
    for (const auto& [name, json] : shared) {
      w.key(name);
      raw(w, json);
    }
    w.end_object();
  }
  w.end_object();
  return out;
}

std::vector<std::string> openapi_v3_paths(const OpenApiInfo& info) {
  std::vector<std::string> out;
  for (const auto& [root, routes] : web_services(info)) out.push_back(root);
  return out;
}

std::string openapi_v3_group_version(const OpenApiInfo& info, std::string_view path) {
  const auto services = web_services(info);
  const auto it = services.find(std::string(path));
  if (it == services.end()) return {};
  return v3_document(info, it->second);
}

std::string openapi_v3_index(const OpenApiInfo& info) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("paths");
  w.begin_object();
  for (const auto& [root, routes] : web_services(info)) {
    w.key(root);
    w.begin_object();
    // url.Values.Encode of hex needs no escaping.
    w.member("serverRelativeURL", "/openapi/v3/" + root + "?hash=" + openapi_hash(v3_document(info, routes)));
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return out;
}

}  // namespace mpf::api::metrics
