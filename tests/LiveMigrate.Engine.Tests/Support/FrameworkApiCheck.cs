using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LiveMigrate.Tests.Support
{
    /// <summary>
    /// Resolves every type and member an assembly references against a set of assemblies (reference assemblies of a
    /// target framework, plus the assemblies shipped beside it), following type forwarders, the way the runtime binds
    /// them. What does not resolve would throw TypeLoadException or MissingMethodException on that framework.
    /// Signatures are compared by type names, not by the assembly a type lives in (facades forward them).
    /// </summary>
    internal sealed class FrameworkApiCheck : IDisposable
    {
        private readonly Dictionary<string, string> _paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, MetadataReader> _open = new Dictionary<string, MetadataReader>(StringComparer.OrdinalIgnoreCase);
        private readonly List<PEReader> _readers = new List<PEReader>();
        private readonly HashSet<string> _provided;

        /// <param name="folders">Where the framework's and the shipped assemblies are (file name = assembly name).</param>
        /// <param name="providedByHost">Assemblies the host process brings (System.Management.Automation), not checked.</param>
        public FrameworkApiCheck(IEnumerable<string> folders, IEnumerable<string> providedByHost)
        {
            foreach (var folder in folders)
                foreach (var file in Directory.EnumerateFiles(folder, "*.dll"))
                    _paths[System.IO.Path.GetFileNameWithoutExtension(file)] = file;
            _provided = new HashSet<string>(providedByHost, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>One line per type or member of <paramref name="assemblyPath"/>'s references that does not resolve.</summary>
        public IReadOnlyList<string> Unresolved(string assemblyPath)
        {
            var reader = Open(assemblyPath);
            var problems = new List<string>();
            foreach (var handle in reader.TypeReferences)
            {
                if (IsProvided(reader, handle)) continue;
                if (Resolve(reader, handle) == null) problems.Add("type " + Names.Of(reader, handle));
            }
            foreach (var handle in reader.MemberReferences)
            {
                var member = reader.GetMemberReference(handle);
                var parent = ParentType(reader, member.Parent);
                if (parent == null || IsProvided(reader, parent.Value)) continue;
                var type = Resolve(reader, parent.Value);
                if (type == null) continue; // reported as a type above
                var name = reader.GetString(member.Name);
                var signature = member.GetKind() == MemberReferenceKind.Method
                    ? Names.Method(member.DecodeMethodSignature(Names.Provider, null))
                    : member.DecodeFieldSignature(Names.Provider, null);
                if (!HasMember(type.Value.Reader, type.Value.Handle, name, signature, member.GetKind(), new HashSet<string>()))
                    problems.Add($"{member.GetKind().ToString().ToLowerInvariant()} {Names.Of(reader, parent.Value)}::{name} {signature}");
            }
            return problems;
        }

        public void Dispose()
        {
            foreach (var r in _readers) r.Dispose();
        }

        private readonly struct TypeAt
        {
            public TypeAt(MetadataReader reader, TypeDefinitionHandle handle) { Reader = reader; Handle = handle; }
            public MetadataReader Reader { get; }
            public TypeDefinitionHandle Handle { get; }
        }

        private MetadataReader Open(string path)
        {
            if (_open.TryGetValue(path, out var open)) return open;
            var pe = new PEReader(File.OpenRead(path));
            _readers.Add(pe);
            return _open[path] = pe.GetMetadataReader();
        }

        private MetadataReader? Assembly(string name) => _paths.TryGetValue(name, out var path) ? Open(path) : null;

        private bool IsProvided(MetadataReader reader, TypeReferenceHandle handle)
        {
            var scope = reader.GetTypeReference(handle).ResolutionScope;
            return scope.Kind switch
            {
                HandleKind.AssemblyReference => _provided.Contains(reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)),
                HandleKind.TypeReference => IsProvided(reader, (TypeReferenceHandle)scope),
                _ => false,
            };
        }

        // A member reference's parent as a type reference: generic instances by their generic type; arrays and
        // the assembly's own types (nothing to bind) as null.
        private static TypeReferenceHandle? ParentType(MetadataReader reader, EntityHandle parent)
        {
            if (parent.Kind == HandleKind.TypeReference) return (TypeReferenceHandle)parent;
            if (parent.Kind != HandleKind.TypeSpecification) return null;
            var blob = reader.GetBlobReader(reader.GetTypeSpecification((TypeSpecificationHandle)parent).Signature);
            if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance) return null;
            blob.ReadSignatureTypeCode(); // class or valuetype
            var generic = blob.ReadTypeHandle();
            return generic.Kind == HandleKind.TypeReference ? (TypeReferenceHandle)generic : (TypeReferenceHandle?)null;
        }

        private TypeAt? Resolve(MetadataReader reader, TypeReferenceHandle handle)
        {
            var reference = reader.GetTypeReference(handle);
            var name = reader.GetString(reference.Name);
            var ns = reader.GetString(reference.Namespace);
            var scope = reference.ResolutionScope;
            switch (scope.Kind)
            {
                case HandleKind.TypeReference:
                    var outer = Resolve(reader, (TypeReferenceHandle)scope);
                    return outer == null ? null : Nested(outer.Value, name);
                case HandleKind.AssemblyReference:
                    var target = Assembly(reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name));
                    return target == null ? null : Find(target, ns, name, 0);
                default:
                    return Find(reader, ns, name, 0);
            }
        }

        private static TypeAt? Nested(TypeAt outer, string name)
        {
            foreach (var n in outer.Reader.GetTypeDefinition(outer.Handle).GetNestedTypes())
                if (outer.Reader.GetString(outer.Reader.GetTypeDefinition(n).Name) == name) return new TypeAt(outer.Reader, n);
            return null;
        }

        // A top-level type of an assembly, defined there or forwarded from it (forwarders chain through facades).
        private TypeAt? Find(MetadataReader reader, string ns, string name, int depth)
        {
            if (depth > 8) return null;
            foreach (var t in reader.TypeDefinitions)
            {
                var def = reader.GetTypeDefinition(t);
                if (!def.GetDeclaringType().IsNil) continue;
                if (reader.GetString(def.Name) == name && reader.GetString(def.Namespace) == ns) return new TypeAt(reader, t);
            }
            foreach (var e in reader.ExportedTypes)
            {
                var exported = reader.GetExportedType(e);
                if (reader.GetString(exported.Name) != name || reader.GetString(exported.Namespace) != ns) continue;
                if (exported.Implementation.Kind != HandleKind.AssemblyReference) return null;
                var target = Assembly(reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)exported.Implementation).Name));
                return target == null ? null : Find(target, ns, name, depth + 1);
            }
            return null;
        }

        // On the type or a type it derives from or implements, as a call through a derived type binds.
        private bool HasMember(MetadataReader reader, TypeDefinitionHandle handle, string name, string signature, MemberReferenceKind kind, HashSet<string> seen)
        {
            if (!seen.Add(reader.GetHashCode() + ":" + reader.GetToken(handle))) return false;
            var type = reader.GetTypeDefinition(handle);
            if (kind == MemberReferenceKind.Method)
            {
                foreach (var m in type.GetMethods())
                {
                    var method = reader.GetMethodDefinition(m);
                    if (reader.GetString(method.Name) == name && Names.Method(method.DecodeSignature(Names.Provider, null)) == signature) return true;
                }
            }
            else
            {
                foreach (var f in type.GetFields())
                {
                    var field = reader.GetFieldDefinition(f);
                    if (reader.GetString(field.Name) == name && field.DecodeSignature(Names.Provider, null) == signature) return true;
                }
            }
            var bases = new List<EntityHandle>();
            if (!type.BaseType.IsNil) bases.Add(type.BaseType);
            bases.AddRange(type.GetInterfaceImplementations().Select(i => reader.GetInterfaceImplementation(i).Interface));
            foreach (var b in bases)
            {
                TypeAt? next = b.Kind switch
                {
                    HandleKind.TypeDefinition => new TypeAt(reader, (TypeDefinitionHandle)b),
                    HandleKind.TypeReference => Resolve(reader, (TypeReferenceHandle)b),
                    HandleKind.TypeSpecification => ParentType(reader, b) is TypeReferenceHandle r ? Resolve(reader, r) : null,
                    _ => null,
                };
                if (next != null && HasMember(next.Value.Reader, next.Value.Handle, name, signature, kind, seen)) return true;
            }
            return false;
        }

        /// <summary>Type names in signatures, the same whichever assembly defines or forwards the type.</summary>
        private sealed class Names : ISignatureTypeProvider<string, object?>
        {
            public static readonly Names Provider = new Names();

            public static string Method(MethodSignature<string> s) =>
                $"{s.ReturnType} <{s.GenericParameterCount}>({string.Join(",", s.ParameterTypes)})";

            public static string Of(MetadataReader reader, TypeReferenceHandle handle)
            {
                var t = reader.GetTypeReference(handle);
                var own = reader.GetString(t.Name);
                return t.ResolutionScope.Kind == HandleKind.TypeReference
                    ? Of(reader, (TypeReferenceHandle)t.ResolutionScope) + "+" + own
                    : Prefix(reader.GetString(t.Namespace)) + own;
            }

            private static string Prefix(string ns) => ns.Length == 0 ? "" : ns + ".";

            public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Of(reader, handle);

            public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
            {
                var t = reader.GetTypeDefinition(handle);
                var outer = t.GetDeclaringType();
                return outer.IsNil
                    ? Prefix(reader.GetString(t.Namespace)) + reader.GetString(t.Name)
                    : GetTypeFromDefinition(reader, outer, rawTypeKind) + "+" + reader.GetString(t.Name);
            }

            public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, context);

            public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
            public string GetSZArrayType(string elementType) => elementType + "[]";
            public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
            public string GetByReferenceType(string elementType) => elementType + "&";
            public string GetPointerType(string elementType) => elementType + "*";
            public string GetPinnedType(string elementType) => elementType;
            public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
            public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
            public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
            public string GetGenericTypeParameter(object? context, int index) => "!" + index;
            public string GetFunctionPointerType(MethodSignature<string> signature) => "method " + Method(signature);
        }
    }
}
