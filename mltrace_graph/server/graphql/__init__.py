"""The GraphQL API: types, resolvers over the store, the schema and its Flask view."""
